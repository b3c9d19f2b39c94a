/**
 * Which of a page's author signals names its author. A wrong author is worse than none, so each
 * candidate must survive cleaning and must not be the site itself (its og:site_name, publisher,
 * <title> suffix or host name); the first that does wins, in the order the caller gives.
 */
import { hostOf } from "../../core/canonical-url.ts";
import { cleanByline, cleanDeclaredAuthor, cleanHandle, COMPANY_FORM, TEAM_NAME } from "./byline.ts";

/** Where a candidate comes from decides how it is cleaned. */
export interface BylineCandidate {
  value: string;
  /**
   * "declared" (JSON-LD, meta, itemprop author): handles and team names are accepted;
   * "link" (rel=author): a name or a handle, the link text may be "View profile";
   * "meta" as declared, but a company there is the publisher or its web agency;
   * "visible" (byline elements, "Von …" lines): names only.
   */
  kind: "declared" | "link" | "meta" | "visible";
}

/** Lowercase letters and digits only: "Jobs & Hire" and "Jobs, Hire" compare equal. */
function comparable(value: string): string {
  return value
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .replace(/https?:\/\/\S+|www\.\S+/g, " ")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

const TITLE_SEPARATOR = /\s+[|–—-]\s+|\s+[:»·•]{1,2}\s+/;

/**
 * Names the site goes by: each as given and, for "LN - Lübecker Nachrichten", each part; the last
 * part of the document title ("… | Die Zeitung"); the host name without www. and TLD.
 */
export function siteNameForms(names: ReadonlyArray<string | undefined>, documentTitle: string | undefined, url: string | undefined): Set<string> {
  const forms = new Set<string>();
  const add = (value: string | undefined): void => {
    const c = value ? comparable(value) : "";
    if (c.length >= 2) forms.add(c);
  };
  for (const name of names) {
    if (!name) continue;
    add(name);
    const parts = name.split(TITLE_SEPARATOR);
    if (parts.length > 1) for (const part of parts) add(part);
  }
  const titleParts = documentTitle?.split(TITLE_SEPARATOR) ?? [];
  if (titleParts.length > 1) add(titleParts[titleParts.length - 1]);
  const host = url === undefined ? undefined : hostOf(url);
  if (host !== undefined) {
    add(host);
    add(host.replace(/\.[a-z]{2,}$/i, ""));
  }
  return forms;
}

export function isSiteName(value: string, siteNames: ReadonlySet<string>): boolean {
  const c = comparable(value);
  return c.length > 0 && siteNames.has(c);
}

export function cleanCandidate(candidate: BylineCandidate, siteNames: ReadonlySet<string>): string | undefined {
  const { value, kind } = candidate;
  if (isSiteName(value, siteNames)) return undefined;
  if (kind === "meta" && COMPANY_FORM.test(value)) return undefined;
  const cleaned: string | undefined = kind === "declared" || kind === "meta" ? cleanDeclaredAuthor(value) : kind === "link" ? (cleanByline(value) ?? cleanHandle(value) ?? (TEAM_NAME.test(value) ? cleanDeclaredAuthor(value) : undefined)) : cleanByline(value);
  // "Die Zeitung / Max" names the site first: the rest is an initial or a desk, not an author.
  if (!cleaned || isSiteName(cleaned, siteNames) || isSiteName(namesOf(cleaned)[0] ?? "", siteNames)) return undefined;
  return cleaned;
}

export interface BylineChoice {
  /** The first candidate that names a person (or a handle) other than the site. */
  person?: string;
  /** The first newsroom name ("Example Redaktion"): used when no candidate names a person. */
  team?: string;
}

export function chooseFrom(candidates: readonly BylineCandidate[], siteNames: ReadonlySet<string>): BylineChoice {
  const choice: BylineChoice = {};
  for (const candidate of candidates) {
    const cleaned = cleanCandidate(candidate, siteNames);
    if (!cleaned) continue;
    if (!TEAM_NAME.test(cleaned)) {
      choice.person = cleaned;
      return choice;
    }
    choice.team ??= cleaned;
  }
  return choice;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const JOINER = /, | und | and | & /;

function namesOf(byline: string): string[] {
  return byline.split(JOINER);
}

/**
 * The fuller form of a name the page also writes out: "Nils" → "Nils Pickert" when an author
 * element is "Nils Pickert" or begins "Nils Pickert ist …"; a handle → the name it is spelled
 * from ("maxmuster" → "Max Muster"); "A" → "A, B" when a byline names both.
 */
export function fullerForm(byline: string, authorTexts: readonly string[], siteNames: ReadonlySet<string>): string {
  const cleanedTexts = authorTexts.map((text) => cleanByline(text));
  const names = namesOf(byline);
  for (const cleaned of cleanedTexts) {
    if (!cleaned || cleaned === byline || isSiteName(cleaned, siteNames)) continue;
    const shown = namesOf(cleaned);
    if (shown.length < names.length || !names.every((n, i) => shown[i] === n)) continue;
    // Further names must be full ones: "A, Photographs" is a credit, not a co-author.
    if (shown.slice(names.length).every((n) => n.includes(" "))) return cleaned;
  }
  if (/\s/.test(byline)) return byline;
  const handle = comparable(byline);
  for (const cleaned of cleanedTexts) {
    if (cleaned && cleaned.includes(" ") && comparable(cleaned) === handle) return cleaned;
  }
  const spelled = new RegExp(`^${escapeRegExp(byline)}(?:\\s+\\p{Lu}\\.)?\\s+\\p{Lu}[\\p{L}'’-]+(?=$|\\s+(?:ist|war|is|was|schreibt|writes|lebt|lives|arbeitet|works)\\b)`, "u");
  for (const text of authorTexts) {
    const full = spelled.exec(text)?.[0];
    if (full && cleanByline(full) === full && !isSiteName(full, siteNames) && full.split(/\s+/).at(-1) !== byline) return full;
  }
  return byline;
}
