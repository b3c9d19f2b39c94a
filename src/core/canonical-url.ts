/**
 * URL normalization: the one canonical form used as the brief cache key (by /summarize, the CLI
 * and digests alike) and for story de-duplication. Pure; the fetch adapter re-exports it.
 */

/** Query parameters that only track the click and never select content. */
const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  "fbclid",
  "gclid",
  "gclsrc",
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
  "wt_mc",
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

function parseHttpUrl(input: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
}

function paramName(pair: string): string {
  const name = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

function keptPairs(url: URL): string[] {
  return url.search
    .replace(/^\?/, "")
    .split("&")
    .filter((pair) => pair !== "" && !isTrackingParam(paramName(pair)));
}

/**
 * A clean, still-working link: no fragment, no tracking parameters. Host case, default ports
 * and percent-encoding are normalized by the WHATWG parser; the remaining parameters keep their
 * exact encoding and order (some servers care), and the path is left alone (a trailing slash can
 * matter to a server). Returns undefined for anything that is not an absolute http(s) URL.
 */
export function canonicalizeUrl(input: string): string | undefined {
  const url = parseHttpUrl(input);
  if (url === undefined) return undefined;
  url.hash = "";
  const kept = keptPairs(url);
  url.search = kept.length === 0 ? "" : `?${kept.join("&")}`;
  return url.href;
}

/**
 * Identity of a story link for de-duplication only (never for linking): the canonical URL
 * without scheme, leading "www." and trailing slash, with the remaining parameters sorted, so the
 * same article reached over http and https, with and without "www." and with shuffled parameters
 * is one key.
 * Falls back to the trimmed input for a string that is not an http(s) URL.
 */
export function urlIdentityKey(input: string): string {
  const canonical = canonicalizeUrl(input);
  if (canonical === undefined) return input.trim();
  const url = new URL(canonical);
  const params = keptPairs(url).toSorted();
  const host = url.host.replace(/^www\./, "");
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  return `${host}${path}${params.length === 0 ? "" : `?${params.join("&")}`}`;
}

/** Host without "www.", or undefined for a non-http(s) input. */
export function hostOf(input: string): string | undefined {
  return parseHttpUrl(input)?.hostname.replace(/^www\./, "");
}
