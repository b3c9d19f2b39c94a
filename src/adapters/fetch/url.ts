import { UserFacingError } from "../../core/errors.ts";

/** Longest URL accepted; longer ones are almost always pasted garbage. */
export const MAX_URL_LENGTH = 2048;

/** Query parameters that only track the click and never select content. */
const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "twclid",
  "ttclid",
  "li_fat_id",
  "igshid",
  "mc_cid",
  "mc_eid",
  "ocid",
  ".tsrc",
  "_ga",
  "_gl",
  "_hsenc",
  "_hsmi",
  "mkt_tok",
  "wt_mc", // Webtrekk, common on German news sites
  "wt_zmc",
  "cmpid",
  "ns_source",
  "ns_mchannel",
  "ns_campaign",
  "ns_linkname",
  "ns_fee",
  "xing_share",
  "ref_src",
  "ref_url",
  "spm",
  "guccounter",
  "guce_referrer",
  "guce_referrer_sig",
]);

export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * Checks a URL the fetcher is about to request (the user's link or a redirect target):
 * http/https only, no credentials, a host present. `what` names the URL in messages.
 */
export function assertFetchableUrl(url: URL, what = "That link"): URL {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserFacingError(
      "invalid_url",
      `${what} uses ${url.protocol.replace(/:$/, "")}:, but only http:// and https:// links can be fetched.`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new UserFacingError(
      "invalid_url",
      `${what} contains a user name or password; send the link without them.`,
    );
  }
  if (url.hostname === "") {
    throw new UserFacingError("invalid_url", `${what} has no host name.`);
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
  if (text === "") throw new UserFacingError("invalid_url", "No link was given; paste a full https:// link.");
  if (text.length > MAX_URL_LENGTH) {
    throw new UserFacingError("invalid_url", `That link is longer than ${MAX_URL_LENGTH} characters.`);
  }
  if (!/^[a-z][a-z\d+.-]*:/i.test(text) && /^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]|$)/.test(text)) {
    text = `https://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserFacingError("invalid_url", "That doesn't look like a web link; paste a full https:// link.");
  }
  return assertFetchableUrl(url);
}

/**
 * A stable form of a link for caching and de-duplication: no fragment, no tracking
 * parameters, no empty query. Host case, default ports and percent-encoding are already
 * normalized by the WHATWG parser; the order of the remaining parameters is kept.
 */
export function canonicalizeUrl(input: string | URL): string {
  const url = new URL(typeof input === "string" ? input : input.href);
  url.hash = "";
  // Filter the raw pairs so the kept ones keep their exact encoding ("%20" stays "%20").
  const pairs = url.search.replace(/^\?/, "").split("&").filter((pair) => pair !== "");
  const kept = pairs.filter((pair) => !isTrackingParam(decodeParamName(pair)));
  url.search = kept.length === 0 ? "" : `?${kept.join("&")}`;
  return url.href;
}

function decodeParamName(pair: string): string {
  const name = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/** The host as Node's net layer sees it: IPv6 literals without their brackets. */
export function connectHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
