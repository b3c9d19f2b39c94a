import { foldForMatching } from "./fold.ts";
import { decimalStyleFor, findNumberMentions } from "./numbers.ts";

/**
 * What a report says, reduced to signals that survive rewording and translation: concepts
 * (English and German finance words mapped to one canonical word), the figures it states
 * (26% = 26 percent = 26 Prozent; $25 billion = 25 Milliarden Dollar), the kind of event its
 * headline announces (results, buyback, deal, launch…) and its model or product codes (SU7,
 * H20). Pure functions; no model needed.
 */
export interface ReportSignals {
  /** Concept → weight (headline words count double). */
  concepts: Map<string, number>;
  /** Normalized figures: "p:26", "m:USD:2.5e+10", "n:8000". */
  figures: Set<string>;
  /** Kind of event the headline (else the teaser) announces, when one is recognizable. */
  event?: EventKind;
  /** Product or model codes: words mixing letters and digits (SU7, H20, YU7). */
  codes: Set<string>;
}

export type EventKind = "buyback" | "acquisition" | "charge" | "jobs" | "outlook" | "dividend" | "launch" | "results";

export interface ReportText {
  title: string;
  teaser?: string;
  /** The article text, when it was fetched. */
  text?: string;
}

// Folded word (lowercase, umlauts spelled out) → concept. German and English words of one
// meaning share the concept, so an English and a German report of one event share words.
const LEXICON: Record<string, string> = {};
function define(concept: string, words: string): void {
  for (const word of words.split(/\s+/)) if (word !== "") LEXICON[word] = concept;
}
define("revenue", "revenue revenues sales turnover umsatz umsaetze erloes erloese umgesetzt topline");
define("profit", "profit profits earnings income earned earn gewinn gewinne ergebnis verdient verdiente ueberschuss nettogewinn");
define("rise", "boost boosts boosted stockt aufgestockt rise rises rose risen jump jumps jumped climb climbs climbed soar soars soared surge surges surged grow grows grew growth increase increases increased gain gains gained up higher steigt stieg steigert steigerte gesteigert steigen waechst wuchs wachsen springt sprang klettert kletterte zulegen legt legte plus hoeher top tops")
define("fall", "fall falls fell drop drops dropped decline declines declined slump slumps slide slides lower sinkt sank faellt fiel verliert verlor minus rutscht schwaecher weak weaker weakens schwach schwaechelt");
define("cut", "cut cuts lowers lowered reduce reduces reduced trim trims slash slashes senkt senkte gesenkt senken kappt kuerzt");
define("raise", "raise raises raised lift lifts lifted hebt hob anheben angehoben erhoeht erhoehte");
define("outlook", "outlook forecast guidance prognose prognosen ausblick jahresziel jahresprognose");
define("buyback", "buyback buybacks repurchase repurchases rueckkauf rueckkaeufe rueckkaufprogramm aktienrueckkauf");
define("acquire", "acquire acquires acquired acquisition takeover buy buys bought merger uebernimmt uebernahme uebernehmen kauft kaufte kauf");
define("launch", "launch launches launched unveil unveils unveiled debut debuts debuted introduce introduces introduced vorgestellt stellt praesentiert praesentiert markteinfuehrung launcht enthuellt");
define("jobs", "job jobs staff workforce layoffs layoff positions stellen arbeitsplaetze stellenabbau jobabbau mitarbeiter");
define("restructure", "restructuring restructure restructures overhaul umbau umbauen konzernumbau restrukturierung");
define("dividend", "dividend dividends dividende dividenden ausschuettung");
define("charge", "charge charges writedown writedowns impairment belastung belastungen abschreibung abschreibungen");
define("export", "export exports exportbeschraenkungen exportregeln exportkontrollen curbs restrictions beschraenkungen controls");
define("quarter", "quarter quarterly quartal quartals quartalszahlen dezemberquartal");
define("annual", "annual full-year fiscal year jahr geschaeftsjahr jahres");
define("demand", "demand nachfrage");
define("estimates", "estimates forecasts expectations beat beats beating expected erwartungen erwartet consensus analysts analysten");
define("ai", "ai ki");
define("chip", "chip chips chipmaker chiphersteller chipkonzern semiconductor semiconductors halbleiter processors prozessoren");
define("car", "car cars sedan limousine auto autos vehicle vehicles fahrzeug elektroauto elektroautos");
define("electric", "electric elektro ev evs");
define("orders", "orders order bestellungen bestellung auftragseingang auftraege");
define("shares", "shares share stock stocks aktie aktien");
define("backlog", "backlog auftragsbestand");
define("automotive", "carmakers automakers autobranche autoindustrie autohersteller");
define("software", "software softwarefirma softwarekonzern softwarehersteller");
define("china", "china chinese chinesische chinesischen");
define("price", "price priced prices kostet preis preise");
define("bank", "bank banks");

// German compounds name their parts: "Cloud-Umsatz", "Umsatzprognose", "Rückkaufprogramm".
const COMPOUND_PARTS = Object.keys(LEXICON)
  .filter((word) => word.length >= 5)
  .toSorted((a, b) => b.length - a.length);

const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or but of to in on at for from by with as is are was were be been being it its this that these those " +
    "after before over into than amid about vs via will would has have had says said say who what why how when where which " +
    "here there just new its their his her our more most also per after while its company group inc corp ag plc ltd co " +
    "der die das den dem des ein eine einer eines einem einen und oder aber mit von vom zu zum zur im am an auf aus bei fuer " +
    "nach vor ueber um ist sind war waren wird werden wurde hat haben sich als auch noch wie so dass es er sie ihr ihre sein " +
    "seine man bis gegen durch dank rund mehr nun nur sein seinen seiner konzern unternehmen"
  ).split(" "),
);

const GERMAN_MARKERS = new Set("der die das und ist mit von auf fuer um nach hat sich den dem des im".split(" "));
const ENGLISH_MARKERS = new Set("the and of to in is for with on its as at by from".split(" "));

/** "en" or "de" by common words; the decimal style of a text's figures depends on it. */
export function guessLanguage(text: string): "en" | "de" {
  let de = 0;
  let en = 0;
  for (const word of foldForMatching(text).split(/[^\p{L}]+/u)) {
    if (GERMAN_MARKERS.has(word)) de += 1;
    if (ENGLISH_MARKERS.has(word)) en += 1;
  }
  return de > en ? "de" : "en";
}

// Phrases that mean one concept, rewritten to its word before splitting into words.
const PHRASES: Array<[RegExp, string]> = [
  [/\b(?:auf|an) den markt\b/g, " launch "],
  [/\bkuenstlicher? intelligenz\b|\bartificial intelligence\b/g, " ai "],
  [/\bdata cent(?:er|re)s?\b|\brechenzentren\b|\brechenzentrum\b/g, " datacenter "],
  [/\bjob cuts\b|\bstellen(?:abbau)?\b/g, " jobs "],
];

function conceptsOf(text: string): string[] {
  const out: string[] = [];
  let folded = foldForMatching(text.normalize("NFKC")).replace(/[’‘`]/g, "'");
  for (const [pattern, concept] of PHRASES) folded = folded.replace(pattern, concept);
  for (const match of folded.matchAll(/[\p{L}\p{N}]+(?:['&.][\p{L}\p{N}]+)*/gu)) {
    let word = match[0].replace(/'s$/, "");
    if (STOP_WORDS.has(word) || /^\d/.test(word)) continue;
    const concept = LEXICON[word];
    if (concept !== undefined) {
      out.push(concept);
      continue;
    }
    if (word.length >= 9) {
      const parts = COMPOUND_PARTS.filter((part) => word.includes(part));
      if (parts.length > 0) {
        for (const part of parts) out.push(LEXICON[part] as string);
        continue;
      }
    }
    if (word.length >= 5 && word.endsWith("s") && !word.endsWith("ss")) word = word.slice(0, -1);
    // A crude stem keeps inflected forms together (estimate/estimates, recovered/recovers).
    out.push(word.length > 7 ? word.slice(0, 7) : word);
  }
  return out;
}

function figuresOf(text: string): Set<string> {
  const language = guessLanguage(text);
  const figures = new Set<string>();
  for (const mention of findNumberMentions(text, { style: decimalStyleFor(language, text) })) {
    const value = Math.abs(mention.value);
    if (mention.kind === "percent") figures.add(`p:${round(value)}`);
    else if (mention.kind === "money") figures.add(`m:${mention.currency ?? "?"}:${value.toPrecision(3)}`);
    // Small counts and years say little about which event a report is about.
    else if (value >= 100 && !(Number.isInteger(value) && value >= 1900 && value <= 2100)) figures.add(`n:${value.toPrecision(3)}`);
  }
  return figures;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** First match wins: a headline about a buyback also says "shares", one about an outlook says "revenue". */
const EVENT_RULES: Array<{ kind: EventKind; test: (concepts: ReadonlySet<string>) => boolean }> = [
  { kind: "buyback", test: (c) => c.has("buyback") },
  { kind: "acquisition", test: (c) => c.has("acquire") },
  { kind: "charge", test: (c) => c.has("charge") },
  { kind: "jobs", test: (c) => c.has("jobs") || c.has("restructure") },
  { kind: "outlook", test: (c) => c.has("outlook") },
  { kind: "dividend", test: (c) => c.has("dividend") },
  { kind: "launch", test: (c) => c.has("launch") },
  { kind: "results", test: (c) => c.has("revenue") || c.has("profit") || c.has("quarter") },
];

function eventOf(concepts: readonly string[]): EventKind | undefined {
  const set = new Set(concepts);
  return EVENT_RULES.find((rule) => rule.test(set))?.kind;
}

function codesOf(text: string): Set<string> {
  const codes = new Set<string>();
  for (const match of text.matchAll(/\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{2,8}\b/g)) {
    const code = match[0].toUpperCase();
    // Quarters and halves ("Q1", "H2", "3Q") and ordinal or unit suffixes are not products.
    if (/^(?:Q\d|H\d|\dQ|\dH|FY\d+|\d+(?:ST|ND|RD|TH|M|K|BN|B|MN|PM|AM|S))$/.test(code)) continue;
    codes.add(code);
  }
  return codes;
}

export function reportSignals(report: ReportText): ReportSignals {
  const titleConcepts = conceptsOf(report.title);
  const teaserConcepts = report.teaser ? conceptsOf(report.teaser) : [];
  const textConcepts = report.text ? conceptsOf(report.text.slice(0, 3000)) : [];
  const concepts = new Map<string, number>();
  const add = (list: readonly string[], weight: number) => {
    for (const concept of new Set(list)) concepts.set(concept, Math.max(concepts.get(concept) ?? 0, weight));
  };
  add(textConcepts, 0.5);
  add(teaserConcepts, 1);
  add(titleConcepts, 2);
  const lead = [report.title, report.teaser ?? "", report.text?.slice(0, 1500) ?? ""].join("\n");
  const signals: ReportSignals = {
    concepts,
    figures: figuresOf(lead),
    codes: codesOf(`${report.title} ${report.teaser ?? ""}`),
  };
  const event = eventOf(titleConcepts) ?? eventOf(teaserConcepts);
  if (event !== undefined) signals.event = event;
  return signals;
}

export interface SameEventOptions {
  /** Concept similarity at which two reports are one event without a shared figure (default 0.42). */
  eventThreshold?: number;
  /** Concept similarity enough when the reports share a figure (default 0.12). */
  figureThreshold?: number;
}

export const DEFAULT_SAME_EVENT_THRESHOLD = 0.42;
export const DEFAULT_FIGURE_THRESHOLD = 0.12;

/** Inverse document frequency of each concept over the reports being compared. */
export function conceptWeights(reports: readonly ReportSignals[]): (concept: string) => number {
  const df = new Map<string, number>();
  for (const report of reports) for (const concept of report.concepts.keys()) df.set(concept, (df.get(concept) ?? 0) + 1);
  const n = reports.length;
  return (concept) => Math.log((n + 1) / ((df.get(concept) ?? 0) + 0.5)) + 0.1;
}

/** Weighted cosine of two reports' concepts. */
export function conceptSimilarity(a: ReportSignals, b: ReportSignals, idf: (concept: string) => number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [concept, weight] of a.concepts) {
    const w = weight * idf(concept);
    na += w * w;
    const other = b.concepts.get(concept);
    if (other !== undefined) dot += w * other * idf(concept);
  }
  for (const [concept, weight] of b.concepts) {
    const w = weight * idf(concept);
    nb += w * w;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export type PairVerdict = { same: true; score: number } | { same: false; score: number; veto?: "event" | "codes" };

/**
 * Whether two reports (of one company, within the time window) tell the same event. Different
 * announced events (results vs buyback) and disjoint product codes (SU7 vs YU7) never do.
 */
export function judgePair(a: ReportSignals, b: ReportSignals, idf: (concept: string) => number, options: SameEventOptions = {}): PairVerdict {
  const score = conceptSimilarity(a, b, idf);
  if (a.event !== undefined && b.event !== undefined && a.event !== b.event) return { same: false, score, veto: "event" };
  if (a.codes.size > 0 && b.codes.size > 0 && ![...a.codes].some((code) => b.codes.has(code))) return { same: false, score, veto: "codes" };
  const sharedFigures = [...a.figures].filter((figure) => b.figures.has(figure)).length;
  const sharedCodes = [...a.codes].some((code) => b.codes.has(code));
  const threshold = options.eventThreshold ?? DEFAULT_SAME_EVENT_THRESHOLD;
  const figureThreshold = options.figureThreshold ?? DEFAULT_FIGURE_THRESHOLD;
  // The same announced event with the same figure (a buyback of $25 billion, told in English and German).
  const sameEventAndFigure = a.event !== undefined && a.event === b.event && sharedFigures > 0;
  const same = score >= threshold || sameEventAndFigure || ((sharedFigures > 0 || sharedCodes) && score >= figureThreshold);
  return same ? { same: true, score } : { same: false, score };
}
