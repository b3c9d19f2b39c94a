import { canonicalizeUrl as canonicalUrlOf, isTrackingParam } from "../../core/canonical-url.ts";
import { UserFacingError } from "../../core/errors.ts";

export { isTrackingParam };

/** Longest URL accepted; longer ones are almost always pasted garbage. */
export const MAX_URL_LENGTH = 2048;


/**
 * Checks a URL the fetcher is about to request (the user's link or a redirect target):
 * http/https only, no credentials, a host present. `what` names the URL in messages.
 */
export function assertFetchableUrl(url: URL, what = "That link"): URL {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserFacingError(
      "invalid_url",
      `${what} uses ${url.protocol.replace(/:$/, "")}:, but only http:// and https:// links can be fetched.`,
      { key: "error.badScheme", params: { scheme: url.protocol.replace(/:$/, "") } },
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new UserFacingError(
      "invalid_url",
      `${what} contains a user name or password; send the link without them.`,
      { key: "error.credentials" },
    );
  }
  if (url.hostname === "") {
    throw new UserFacingError("invalid_url", `${what} has no host name.`, { key: "error.noHost" });
  }
  return url;
}

/**
 * Parses a link typed or pasted by a user. Accepts Discord's embed-suppressing `<https://…>`
 * form and a bare `www.example.com/path` (https is assumed). Throws UserFacingError("invalid_url").
 */
export function parseUserUrl(input: string): URL {
  let text = input.trim();
  if (text.startsWith("<") && text.endsWith(">")) text = text.slice(1, -1).trim();
  if (text === "") throw new UserFacingError("invalid_url", "No link was given; paste a full https:// link.", { key: "error.noLink" });
  if (text.length > MAX_URL_LENGTH) {
    throw new UserFacingError("invalid_url", `That link is longer than ${MAX_URL_LENGTH} characters.`, {
      key: "error.linkTooLong",
      params: { max: MAX_URL_LENGTH },
    });
  }
  if (!/^[a-z][a-z\d+.-]*:/i.test(text) && /^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]|$)/.test(text)) {
    text = `https://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserFacingError("invalid_url", "That doesn't look like a web link; paste a full https:// link.", { key: "error.notALink" });
  }
  return assertFetchableUrl(url);
}

/** The canonical form of an already validated http(s) link (see core/canonical-url.ts). */
export function canonicalizeUrl(input: string | URL): string {
  const href = typeof input === "string" ? input : input.href;
  return canonicalUrlOf(href) ?? href;
}

/** The host as Node's net layer sees it: IPv6 literals without their brackets. */
export function connectHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
