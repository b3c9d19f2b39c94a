/**
 * Which way a price moved, as the text says it: direction words ("gewann", "fell", "Plus") and
 * the signed percentages they give ("zog um 3,79 Prozent an" = +3.79). Pure functions over text.
 */
import { splitClauses, splitSentences } from "./extractive/sentences.ts";
import { findNumberMentions, type NumberMention, type NumberOptions } from "./numbers.ts";

/** Direction words: verbs, nouns and adverbs that say which way a price moved. */
export interface DirectionCue {
  start: number;
  end: number;
  direction: 1 | -1;
  word: string;
}

const UP_WORDS = [
  // German
  "gewann", "gewannen", "gewinnt", "gewinnen", "gewonnen", "stieg", "stiegen", "steigt", "steigen", "gestiegen",
  "ansteigen", "angestiegen", "kletterte", "kletterten", "klettert", "klettern", "geklettert", "sprang", "sprangen",
  "springt", "gesprungen", "verteuerte", "verteuerten", "verteuert", "avancierte", "avancierten", "avanciert",
  "erholte", "erholten", "erholt", "zulegen", "zugelegt", "zulegte", "zulegten", "anziehen", "anzogen", "anzog",
  "angezogen", "haussierte", "haussierten", "Plus", "Kursplus", "Aufschlag", "Aufschläge", "Aufschlägen",
  "Kursgewinn", "Kursgewinne", "Kursgewinnen", "Kurssprung", "Anstieg", "Zuwachs", "höher", "fester", "aufwärts",
  "plus", "Kursanstieg",
  // English
  "rose", "rise", "rises", "risen", "rising", "gained", "gain", "gains", "gaining", "climbed", "climb", "climbs",
  "climbing", "jumped", "jump", "jumps", "jumping", "surged", "surge", "surges", "surging", "soared", "soar",
  "soars", "soaring", "rallied", "rally", "rallies", "advanced", "advances", "added", "adds", "up", "higher",
  "increased", "rebounded", "rebounds", "spiked", "popped", "firmed", "gainer", "gainers",
];

const DOWN_WORDS = [
  // German
  "verlor", "verloren", "verliert", "verlieren", "fiel", "fielen", "fällt", "fallen", "gefallen", "sank",
  "sanken", "sinkt", "sinken", "gesunken", "rutschte", "rutschten", "rutscht", "rutschen", "gerutscht",
  "abgerutscht", "nachgeben", "nachgegeben", "nachgab", "nachgaben", "einbrechen", "eingebrochen", "einbrach",
  "einbüßen", "eingebüßt", "absacken", "abgesackt", "verbilligte", "verbilligten", "verbilligt", "Minus",
  "Kursminus", "Abschlag", "Abschläge", "Abschlägen", "Kursverlust", "Kursverluste", "Kursverlusten", "Verlust",
  "Verluste", "Einbruch", "Kurseinbruch", "Kursrutsch", "tiefer", "schwächer", "abwärts", "zurückgefallen",
  "zurückgegangen", "rückläufig", "stürzte", "stürzten", "stürzt", "abgestürzt", "Absturz", "minus",
  // English
  "fell", "fall", "falls", "falling", "fallen", "dropped", "drop", "drops", "dropping", "slipped", "slip", "slips",
  "slid", "slide", "slides", "sliding", "declined", "decline", "declines", "declining", "lost", "lose", "loses",
  "losing", "sank", "sink", "sinks", "tumbled", "tumble", "tumbles", "plunged", "plunge", "plunges", "plummeted",
  "slumped", "slump", "slumps", "down", "lower", "decreased", "shed", "sheds", "retreated", "eased", "eases",
  "tanked", "sagged", "dipped", "dip", "dips", "crashed", "loser", "losers",
];

// German separable verbs: the particle closes the clause ("zog um 3,79 Prozent an").
const SEPARABLE: Array<[RegExp, 1 | -1]> = [
  [/\b(?:legt|legte|legten|legen)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,120}?\bzu\b/giu, 1],
  [/\b(?:zog|zogen|zieht|ziehen)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,120}?\ban\b(?=\s*(?:[.,;:!?)–—-]|$))/giu, 1],
  [/\b(?:ging|gingen|geht|gehen|schoss|schossen|schießt|sprang|sprangen)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,80}?\b(?:nach oben|hoch|aufwärts)\b/giu, 1],
  [/\b(?:gab|gaben|gibt|geben)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,120}?\bnach\b(?=\s*(?:[.,;:!?)–—-]|$))/giu, -1],
  [/\b(?:brach|brachen|bricht|brechen|büßte|büßten|büßt|büßen)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,120}?\bein\b(?=\s*(?:[.,;:!?)–—-]|$))/giu, -1],
  [/\b(?:sackte|sackten|sackt|rutschte|rutschten|rutscht)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,120}?\bab\b(?=\s*(?:[.,;:!?)–—-]|$))/giu, -1],
  [/\b(?:ging|gingen|geht|gehen|fiel|fielen)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,120}?\bzurück\b/giu, -1],
  [/\b(?:ging|gingen|geht|gehen)\b(?:[^.;!?]|(?<=\d)\.(?=\d)){0,80}?\b(?:nach unten|abwärts)\b/giu, -1],
  [/\bim (?:Plus|plus)\b/gu, 1],
  [/\bim (?:Minus|minus)\b/gu, -1],
  [/\b(?:edged|ticked|moved|inched)\s+up\b/giu, 1],
  [/\b(?:edged|ticked|moved|inched)\s+down\b/giu, -1],
];

const WORD_DIRECTIONS = new Map<string, 1 | -1>([
  ...UP_WORDS.map((w) => [w, 1] as [string, 1]),
  ...DOWN_WORDS.map((w) => [w, -1] as [string, -1]),
]);

/** Every direction cue in a text, in order. Case matters for German nouns ("Plus" vs. a name). */
export function findDirectionCues(text: string): DirectionCue[] {
  const cues: DirectionCue[] = [];
  for (const m of text.matchAll(/[\p{L}]+/gu)) {
    const word = m[0];
    const direction = WORD_DIRECTIONS.get(word) ?? WORD_DIRECTIONS.get(word.toLowerCase());
    if (direction === undefined) continue;
    // Capitalised English verbs start sentences; German nouns ("Plus", "Minus") are listed capitalised.
    if (/^\p{Lu}/u.test(word) && !WORD_DIRECTIONS.has(word) && !isSentenceInitial(text, m.index ?? 0)) continue;
    cues.push({ start: m.index ?? 0, end: (m.index ?? 0) + word.length, direction, word });
  }
  for (const [pattern, direction] of SEPARABLE) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index ?? 0;
      // The cue sits at the particle, where the German clause resolves its direction.
      const particle = /\S+$/.exec(m[0]);
      const pStart = start + (particle?.index ?? 0);
      cues.push({ start: pStart, end: start + m[0].length, direction, word: m[0] });
      cues.push({ start, end: start + (/^\S+/.exec(m[0])?.[0].length ?? 0), direction, word: m[0] });
    }
  }
  return cues.toSorted((a, b) => a.start - b.start || a.end - b.end);
}

function isSentenceInitial(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 3), index);
  return index === 0 || /(?:^|[.!?:"„“]\s*|\n\s*)$/.test(before);
}

/** Direction of the cue closest to [start, end) within [from, to), or 0 when there is none. */
export function directionNear(cues: readonly DirectionCue[], start: number, end: number, from: number, to: number): -1 | 0 | 1 {
  let best: DirectionCue | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const cue of cues) {
    if (cue.start < from || cue.end > to) continue;
    if (cue.end > start && cue.start < end) continue;
    const distance = cue.end <= start ? start - cue.end : cue.start - end;
    if (distance < bestDistance) {
      best = cue;
      bestDistance = distance;
    }
  }
  return best?.direction ?? 0;
}

export interface SignedPercent {
  /** Signed percentage: 3.48, -2.1. */
  changePct: number;
  /** How the sign was found: written (+/-) or from a verb or noun near it. */
  signFrom: "written" | "cue";
  start: number;
  end: number;
}

/**
 * Percentages whose direction the text states ("gewann 3,48 Prozent", "zog um 3,79 Prozent an",
 * "fell 2.1%", "-0,5 %"). The sign comes from a written sign, else the nearest direction cue in
 * the same clause, else in the same sentence. Percentages without a direction are left out.
 */
export function findSignedPercents(text: string, options: NumberOptions = {}): SignedPercent[] {
  const mentions = findNumberMentions(text, options).filter((m) => m.kind === "percent");
  if (mentions.length === 0) return [];
  const cues = findDirectionCues(text);
  const sentences = splitSentences(text);
  const out: SignedPercent[] = [];
  for (const mention of mentions) {
    const signed = signPercent(mention, cues, sentences);
    if (signed) out.push(signed);
  }
  return out;
}

/** Sign of one percent mention within its sentence; exported for the price-move finder. */
export function signPercent(
  mention: NumberMention,
  cues: readonly DirectionCue[],
  sentences: ReadonlyArray<{ start: number; end: number; text: string }>,
): SignedPercent | undefined {
  const magnitude = Math.abs(mention.value);
  if (mention.explicitSign !== 0) {
    return { changePct: mention.explicitSign * magnitude, signFrom: "written", start: mention.start, end: mention.end };
  }
  const sentence = sentences.find((s) => s.start <= mention.start && mention.end <= s.end);
  if (!sentence) return undefined;
  const clause = splitClauses(sentence.text, sentence.start).find((c) => c.start <= mention.start && mention.end <= c.end);
  let direction: -1 | 0 | 1 = 0;
  if (clause) {
    // Closest first within the comma-delimited part: "sank um 1,1 Prozent, stieg dann um 0,4 Prozent".
    const part = commaPart(sentence.text, sentence.start, mention.start, mention.end, clause);
    direction = directionNear(cues, mention.start, mention.end, part.start, part.end);
    if (direction === 0) direction = directionNear(cues, mention.start, mention.end, clause.start, clause.end);
  }
  if (direction === 0) direction = directionNear(cues, mention.start, mention.end, sentence.start, sentence.end);
  if (direction === 0) return undefined;
  return { changePct: direction * magnitude, signFrom: "cue", start: mention.start, end: mention.end };
}

function commaPart(sentence: string, offset: number, start: number, end: number, clause: { start: number; end: number }) {
  const before = sentence.slice(clause.start - offset, start - offset);
  const after = sentence.slice(end - offset, clause.end - offset);
  const lastBreak = Math.max(before.lastIndexOf(", "), before.lastIndexOf(": "));
  const nextBreak = [after.indexOf(", "), after.indexOf(": ")].filter((i) => i >= 0).toSorted((a, b) => a - b)[0];
  return {
    start: lastBreak >= 0 ? clause.start + lastBreak + 2 : clause.start,
    end: nextBreak !== undefined ? end + nextBreak : clause.end,
  };
}
