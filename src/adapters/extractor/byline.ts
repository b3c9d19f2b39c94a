/**
 * Byline cleaning: "Von Max Muster | dpa, 19.11.2019, 10:48 Uhr" → "Max Muster".
 * Pages mix names with prefixes, agencies, dates, roles and contact details; only names stay.
 */

const PREFIX =
  /^(?:(?:ein(?:e|en)?\s+)?(?:kommentar|analyse|gastbeitrag|interview|bericht|essay|kolumne|reportage)\s+von|(?:zeige\s+)?alle\s+(?:beiträge|artikel)\s+von|(?:view\s+)?all\s+posts\s+by|posts\s+by|(?:mehr\s+)?(?:beiträge|artikel)\s+von|mehr\s+von|more\s+from|veröffentlicht\s+von|published\s+by|von|by|written by|reported by|posted by|text(?:\s+und\s+fotos?)?|текст|autor(?:in|en)?|author(?:s)?|verfasst von|quelle|source)\s*[:\-–—]?\s+/i;

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
  return words.every((w) => /^\p{Lu}/u.test(w) || NAME_PARTICLES.has(w)) && /^\p{Lu}/u.test(words[0] ?? "") && /^\p{Lu}/u.test(words[words.length - 1] ?? "");
}

/** "AMY KUPERINSKY" → "Amy Kuperinsky". */
function unshout(name: string): string {
  if (name !== name.toUpperCase() || name.length <= 3) return name;
  return name.toLowerCase().replace(/(^|[\s'’-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Cleans one byline string; undefined when nothing name-like remains. */
export function cleanByline(raw: string): string | undefined {
  let text = tidy(raw.replace(/\s*\(?\b[\w.+-]+@[\w-]+\.[\w.]+\)?/g, " ").replace(/https?:\/\/\S+|www\.\S+/gi, " ").replace(/@\w+/g, " "));
  if (text.length === 0 || text.length > 200 || CREDIT.test(text)) return undefined;
  text = tidy(text.replace(DATE_TAIL, ""));
  for (let i = 0; i < 2; i++) text = tidy(text.replace(PREFIX, ""));

  // Split into name candidates on separators; "und"/"and" join co-authors. The separator before
  // each part is kept so the names are joined the way the page joins them ("A und B").
  const pieces = text.split(SEPARATOR);
  const names: string[] = [];
  const joiners: string[] = [];
  const agencies: string[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    const part = tidy((pieces[i] ?? "").replace(/\s*\([^)]{0,12}\)?$/, "").replace(/^\(|\)$/g, ""));
    if (part.length === 0) continue;
    if (AGENCY.test(part)) {
      agencies.push(part);
      continue;
    }
    if (ROLE.test(part) || COMPANY_FORM.test(part)) continue;
    if (isPlace(part)) return undefined;
    const name = unshout(part.replace(AGENCY_SUFFIX, ""));
    if (looksLikeName(name) && !isNoName(name) && !names.includes(name)) {
      names.push(name);
      joiners.push(joinerOf(pieces[i - 1]));
    }
  }
  if (names.length > 0) return names.map((n, i) => (i === 0 ? n : `${joiners[i]}${n}`)).join("");
  return agencies[0];
}

/** A picture credit ("Foto: Max Muster") names the photographer, not the author. */
const CREDIT = /^(?:fotos?|bild(?:er)?|photos?|images?|credits?|illustrations?|grafik|video|kamera|camera)\b\s*[:©]/i;

const SEPARATOR = /(\s*(?:[|/•·;]|,|\s[–—-]\s|\s+und\s+|\s+and\s+|\s*&\s*)\s*)/i;

/** "A und B" stays so; any other separator between two names becomes a comma. */
function joinerOf(separator: string | undefined): string {
  const word = separator?.trim().toLowerCase();
  if (word === "und" || word === "and" || word === "&") return ` ${word} `;
  return ", ";
}

const WEEKDAYS_AND_MONTHS =
  /^(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|january|february|march|may|june|july|october|december|heute|gestern|today|yesterday)$/i;

/** Words of page furniture that sit where a name would ("Posted", "Follow", "Teilen"). */
const UI_WORDS =
  /^(?:posted|posted by|follow|folgen|share|teilen|von|by|vom|par|por|di|autor|autorin|author|authors|written by|admin|administrator|anonymous|anonym|gast|guest|agencies|agenturen|agentur|agency|comments?|kommentare?|veröffentlicht|published|aktualisiert|updated|gesponserte? inhalte|sponsored|anzeige|werbung|home|startseite|menu|menü|login|anmelden|mehr|more|read more|weiterlesen|subscribe|abonnieren|print|drucken|e-?mail|mail|facebook|twitter|linkedin|xing|whatsapp|instagram|pinterest|youtube|rss|profile?|profil|contact|kontakt|about|über|name|none|null|undefined|redaktion empfiehlt|feed)$/i;

/** Weekdays, months and furniture words are not names. */
export function isNoName(value: string): boolean {
  const v = value.trim();
  return WEEKDAYS_AND_MONTHS.test(v) || UI_WORDS.test(v);
}

/** Countries that follow a city in a dateline or an address ("Frankfurt, Germany"). */
const COUNTRIES =
  /^(?:germany|deutschland|austria|österreich|switzerland|schweiz|suisse|svizzera|france|frankreich|italy|italien|italia|spain|spanien|españa|netherlands|niederlande|belgium|belgien|poland|polen|usa|u\.s\.a?\.?|united states|united kingdom|uk|great britain|england|canada|kanada|india|indien|china|japan|russia|russland|brazil|brasilien|mexico|mexiko|australia|australien|sweden|schweden|norway|norwegen|denmark|dänemark|finland|finnland|ireland|irland|portugal|greece|griechenland|turkey|türkei|israel|chile|argentina|argentinien|luxembourg|luxemburg|liechtenstein|europe|europa)$/i;

function isPlace(part: string): boolean {
  return COUNTRIES.test(part.trim());
}

/** Legal forms of companies: a company named as a page's author is its publisher or web agency. */
export const COMPANY_FORM = /\b(?:GmbH|AG|SE|KG|KGaA|OHG|e\.\s?V\.|Inc\.?|Ltd\.?|LLC|plc|S\.A\.|SAS|S\.r\.l\.|B\.V\.|Co\.)(?=$|[\s,&])/;

/** Login names that are the blog software's, not a person's ("admin", "wordpressadmin"). */
const SYSTEM_ACCOUNT = /admin|wordpress|webmaster|root|user\d*$/i;

/** A single login name as author ("mh", "freeman1984"), as blogs and forums show it. */
export function cleanHandle(raw: string): string | undefined {
  const text = tidy(raw.replace(PREFIX, ""));
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._-]{1,29}$/u.test(text) || !/\p{L}/u.test(text)) return undefined;
  if (isNoName(text) || isPlace(text) || SYSTEM_ACCOUNT.test(text)) return undefined;
  return text;
}

/**
 * A declared author (JSON-LD Person, meta author, itemprop=author): cleaned as a byline, else
 * kept whole when it is short and plausible: handles ("mh", "freeman1984") and team names
 * ("Example.NET Redaktion") are what such pages name as their author.
 */
export function cleanDeclaredAuthor(raw: string): string | undefined {
  const strict = cleanByline(raw);
  if (strict) return strict;
  const handle = cleanHandle(raw);
  if (handle) return handle;
  const text = tidy(raw.replace(/https?:\/\/\S+|www\.\S+/gi, " ").replace(PREFIX, ""));
  if (text.length < 2 || text.length > 60 || !/\p{L}/u.test(text) || CREDIT.test(text)) return undefined;
  const words = text.split(" ");
  if (words.length > 6 || /[@<>{}=→»]|^\d/.test(text)) return undefined;
  // A name or a brand ("auto-motor.at Redaktion"), not a phrase ("deinen Hochzeitsbloggern").
  if (!/^\p{Lu}|[.\-\d]/u.test(words[0] ?? "")) return undefined;
  if (isNoName(text) || text.split(/,\s*/).some(isPlace) || SYSTEM_ACCOUNT.test(text)) return undefined;
  return text;
}

/** "Example Redaktion", "Editorial Team": the newsroom, kept only when no person is named. */
export const TEAM_NAME = /\b(?:redaktion|team|webteam|editorial|editors|staff|newsroom|newsdesk|desk|online)\b|-redaktion\b/i;
