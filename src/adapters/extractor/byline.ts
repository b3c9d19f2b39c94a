/**
 * Byline cleaning: "Von Max Muster | dpa, 19.11.2019, 10:48 Uhr" → "Max Muster".
 * Pages mix names with prefixes, agencies, dates, roles and contact details; only names stay.
 */

const PREFIX =
  /^(?:(?:ein(?:e|en)?\s+)?(?:kommentar|analyse|gastbeitrag|interview|bericht|essay|kolumne|reportage)\s+von|von|by|written by|reported by|posted by|text(?:\s+und\s+fotos?)?|текст|autor(?:in|en)?|author(?:s)?|verfasst von|quelle|source)\s*[:\-–—]?\s+/i;

/** News agencies that follow a name ("Max Muster, dpa"); kept only when no person is named. */
const AGENCY_NAMES =
  "dpa(?:-afx)?|afp|ap|reuters|rtr|kna|epd|sid|apa|sda|dow jones(?: newswires)?|bloomberg(?: news)?|ddp|dts|awp|upi|ansa|efe|(?:the )?associated press|agence france-presse|deutsche presse-agentur|press association";
const AGENCY = new RegExp(`^(?:${AGENCY_NAMES})$`, "i");
/** "Tom Davies Associated Press": an agency glued to a name. */
const AGENCY_SUFFIX = new RegExp(`\\s+(?:${AGENCY_NAMES})$`, "i");

const ROLE =
  /\b(?:writer|correspondent|editor|reporter|redakteur(?:in)?|korrespondent(?:in)?|autor(?:in)?|staff|contributor|columnist|kolumnist(?:in)?|chefredakteur(?:in)?|journalist(?:in)?|ressortleiter(?:in)?|analyst(?:in)?|freie[rn]?\s+mitarbeiter(?:in)?)\b/i;

const DATE_TAIL =
  /\s*(?:[|,•·–—-]|\bam\b|\bon\b|\bupdated\b|\bpublished\b|\baktualisiert\b|\bveröffentlicht\b)?\s*(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.?\s+\p{L}{3,}\.?\s+\d{4}|\p{L}{3,}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}:\d{2}).*$/iu;

function tidy(value: string): string {
  return value
    .replace(/\s+/g, " ")
    .replace(/^[\s|,;:•·–—-]+|[\s|,;:•·–—-]+$/g, "")
    .trim();
}

const NAME_PARTICLES = new Set(["von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "zu", "zur", "bin", "al", "el", "ten", "ter", "y", "dos", "das", "del"]);

/** Capitalized words, lowercase only for name particles ("von", "de"): "NJ Advance Media for NJ.com" is no name. */
function looksLikeName(part: string): boolean {
  const words = part.split(/\s+/);
  if (words.length === 0 || words.length > 6) return false;
  if (/\d|@|https?:|www\.|\w\.\w{2,}/i.test(part)) return false;
  return words.every((w) => /^\p{Lu}/u.test(w) || NAME_PARTICLES.has(w)) && /^\p{Lu}/u.test(words[0] ?? "");
}

/** "AMY KUPERINSKY" → "Amy Kuperinsky". */
function unshout(name: string): string {
  if (name !== name.toUpperCase() || name.length <= 3) return name;
  return name.toLowerCase().replace(/(^|[\s'’-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Cleans one byline string; undefined when nothing name-like remains. */
export function cleanByline(raw: string): string | undefined {
  let text = tidy(raw.replace(/\s*\(?\b[\w.+-]+@[\w-]+\.[\w.]+\)?/g, " ").replace(/https?:\/\/\S+|www\.\S+/gi, " ").replace(/@\w+/g, " "));
  if (text.length === 0 || text.length > 200) return undefined;
  text = tidy(text.replace(DATE_TAIL, ""));
  for (let i = 0; i < 2; i++) text = tidy(text.replace(PREFIX, ""));

  // Split into name candidates on separators; "und"/"and" join co-authors.
  const parts = text
    .split(/\s*(?:[|/•·;]|,|\s[–—-]\s|\s+und\s+|\s+and\s+|\s*&\s*)\s*/i)
    .map((p) => tidy(p.replace(/\s*\([^)]{0,12}\)?$/, "").replace(/^\(|\)$/g, "")))
    .filter((p) => p.length > 0);

  const names: string[] = [];
  const agencies: string[] = [];
  for (const part of parts) {
    if (AGENCY.test(part)) {
      agencies.push(part);
      continue;
    }
    if (ROLE.test(part)) continue;
    const name = unshout(part.replace(AGENCY_SUFFIX, ""));
    if (looksLikeName(name) && !names.includes(name)) names.push(name);
  }
  if (names.length > 0) return names.join(", ");
  return agencies[0];
}

/** Several author names (e.g. from JSON-LD) as one byline string, each cleaned. */
export function cleanPersonNames(names: readonly string[]): string {
  return names.map((n) => tidy(n)).filter((n) => n.length > 0).join(", ");
}
