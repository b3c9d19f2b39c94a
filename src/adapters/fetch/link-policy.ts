import { isIP } from "node:net";
import { UserFacingError } from "../../core/errors.ts";
import type { LinkPolicy } from "../../core/ports.ts";
import { checkAddress } from "./address-policy.ts";
import { connectHost, parseUserUrl } from "./url.ts";

/**
 * The early check of a user's link: malformed or non-http links, credentials, literal IP
 * addresses the fetcher would refuse anyway, and localhost names (other host names are checked
 * by the fetcher at connect time), so input errors are answered at once.
 */
export function createLinkPolicy(allowPrivate: readonly string[]): LinkPolicy {
  return {
    check(raw) {
      const url = parseUserUrl(raw);
      const host = connectHost(url);
      // "localhost" names always resolve to loopback (RFC 6761): refuse them before any lookup too.
      const literal = isIP(host) !== 0 ? host : /(^|\.)localhost\.?$/i.test(host) ? "127.0.0.1" : undefined;
      if (literal !== undefined) {
        const verdict = checkAddress(literal, allowPrivate);
        if (!verdict.allowed) {
          throw new UserFacingError(
            "blocked_address",
            `That link (${url.host}) points to a ${verdict.reason}. marketbrief only fetches public web addresses.`,
            { key: "error.blocked", params: { host: url.host, reason: verdict.reason } },
          );
        }
      }
      return url;
    },
  };
}
