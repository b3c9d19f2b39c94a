/**
 * Finds the price moves a text states and attributes each to the company mentioned nearest
 * before it in the same clause (then the same sentence). Index moves are never attributed.
 */
import type { PriceMove } from "./brief.ts";
import { type Sentence, splitClauses, splitSentences, type Span } from "./extractive/sentences.ts";
import { type NumberMention, findNumberMentions } from "./numbers.ts";
import { findDirectionCues, signPercent } from "./price-direction.ts";

/** Market indices and their usual German/English spellings; "Nasdaq" alone is the venue, not an index. */
export const MARKET_INDEX_PATTERN =
  /(?<![\p{L}\d])(?:Hang[- ]Seng(?:[- ](?:Index|China Enterprises(?: Index)?|Tech(?:-Index)?))?(?![- ]Bank)|Hang-Seng-Index|Dow[- ]Jones(?:[- ]Industrial(?:[- ]Average)?|-Index)?|(?<=\b(?:the|der|den|dem|des) )Dow(?![\p{L}])|Nasdaq[- ](?:Composite|100)(?:-Index)?|NASDAQ[- ](?:Composite|100)|Nasdaq-Index|S&P[- ]?500|S&P[- ](?:MidCap|SmallCap)[- ]?\d+|Euro ?Stoxx(?:[- ]50)?|EuroStoxx(?:[- ]50)?|Stoxx(?:[- ]Europe)?(?:[- ](?:600|50))?|FTSE(?:[- ](?:100|250|MIB|All-Share))?|CAC[- ]40|Nikkei(?:[- ]225)?|Topix|TOPIX|SMI|ATX|IBEX(?:[- ]35)?|AEX|Kospi|KOSPI|Sensex|Nifty(?:[- ]50)?|Shanghai[- ]Composite|CSI[- ]300|Shenzhen[- ]Component|Russell[- ]2000|MSCI[- ](?:World|Emerging Markets|ACWI)|(?:Tec|M|S|Tec-)?DAX(?:-Index)?|HSI|Leitindizes|(?:\p{Lu}\p{Ll}+)?[Ii]ndex|(?:benchmark|sector|broader|blue-chip|tech-heavy) index|STOXX(?:[- ](?:Europe[- ])?(?:600|50))?|[\p{Lu}][\p{L}&]*[’']s (?:gauge|benchmark|index)(?: of [\p{L} ]{1,40})?)(?![\p{L}\d])/gu;

/** Spans of index names in a text. */
export function findIndexMentions(text: string): Span[] {
  return [...text.matchAll(MARKET_INDEX_PATTERN)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** A company mention: `id` identifies the company (any stable key), offsets refer to the text. */
export interface CompanyMention {
  id: string;
  start: number;
  end: number;
}

export interface FoundMove {
  id: string;
  move: PriceMove;
  /** Offset of the move's first number. */
  start: number;
  end: number;
  /** How strongly the wording marks the move as the current one (negative: a past price). */
  currentness: number;
  /** Direction the wording gives even when no percentage is stated (e.g. "nach einem weiteren Minus"). */
  direction: -1 | 0 | 1;
}

// Words that tie a number to a share price rather than to revenue, units, products or market share.
const STOCK_NOUNS =
  /(?:aktie|papier|kurs|anteilsschein|(?<![\p{L}])(?:Titel|notier\p{L}*|Börse\p{L}*|Handel|shares?|stocks?|traded|trading|closed|opened|quoted|ADRs?|Nasdaq|NYSE|Xetra|Tradegate|Wall Street)(?![\p{L}]))/iu;
const MOVE_VERBS =
  /(?<![\p{L}])(?:gewann|gewinnt|verlor|verliert|zog|zogen|legte|legt|stieg|steigt|fiel|fällt|sank|sinkt|gab|rose|fell|gained|lost|jumped|dropped|slipped|climbed|tumbled|surged|plunged|rallied|slid)(?![\p{L}])/iu;
const STOCK_ANAPHOR =
  /(?:\b(?:Aktie|Aktien|Papier|Papiere|Anteilsscheine|Titel|shares|stock)\b|^(?:Der|Die|Das|The|Its)\s+\p{L}*(?:konzern|unternehmen|hersteller|company|firm|group|maker)\b)/iu;
// A percentage over a period ("seit Jahresbeginn", "year-to-date") is not the current move; a
// percentage off a product price is a discount.
const PERIOD_OR_DISCOUNT =
  /(?:seit Jahres(?:beginn|anfang)|im (?:bisherigen )?Jahresverlauf|auf Jahressicht|seit (?:Januar|Jahresstart)|year[- ]to[- ]date|\bYTD\b|so far this year|this year|since the start of|over the past (?:year|\d+ months)|in den vergangenen (?:zwölf|\d+) Monaten|\d+\s?%\s?(?:off|Rabatt)\b|discount|Rabatt|reduziert)/iu;
const FUNDAMENTALS =
  /(?:Umsatz|Umsätze|Erlös|Gewinn\b|Gewinne\b|Nettogewinn|Ergebnis|Absatz|Verkäufe|Auslieferungen|Marge|Marktanteil|Anteil\b|Beteiligung|Zins|Rendite|Inflation|Dividende|Prognose|Wachstum|revenue|sales|profit|earnings|income|margin|deliveries|market share|stake|yield|inflation|dividend|growth|guidance)/iu;

const CURRENT_CUES =
  /\b(?:notiert|notieren|aktuell|derzeit|zuletzt|jetzt|nun|heute|momentan|gegenwärtig|nur noch|am (?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)|zum Wochenausklang|im (?:frühen|späten) Handel|currently|now|today|on (?:Monday|Tuesday|Wednesday|Thursday|Friday)|closed at|is trading|trades at|trading at|last)\b/giu;
const HISTORY_CUES =
  /\b(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|January|February|March|June|July|October|December|Höchststand|Tiefststand|Rekordhoch|Allzeithoch|Jahreshoch|Jahrestief|zuvor|vorher|damals|Vorjahr|Vorwoche|Vormonat|seit Jahresbeginn|seit Jahresanfang|im Jahresverlauf|Wochen zuvor|waren|hatte|hatten|war|high|low|record|peak|earlier|previously|last year|year-to-date|since the start|had)\b/giu;

/**
 * All attributable price moves in a text. Numbers in one clause form one move: a percentage
 * pairs with the price nearest after it ("gewann 3,48 Prozent auf 130,70 HKD").
 */
export function findPriceMoves(text: string, mentions: readonly CompanyMention[], options: { language?: string } = {}): FoundMove[] {
  const numberOptions = options.language ? { language: options.language } : {};
  const numbers = findNumberMentions(text, numberOptions).filter(isMoveNumber);
  if (numbers.length === 0) return [];
  const cues = findDirectionCues(text);
  const sentences = splitSentences(text);
  const indices = findIndexMentions(text);
  const entities: Entity[] = [
    ...mentions.map((m) => ({ id: m.id, start: m.start, end: m.end, isIndex: false })),
    ...indices.map((s) => ({ id: "", start: s.start, end: s.end, isIndex: true })),
  ].toSorted((a, b) => a.start - b.start);

  const found: FoundMove[] = [];
  for (const sentence of sentences) {
    const inSentence = numbers.filter((n) => n.start >= sentence.start && n.end <= sentence.end);
    if (inSentence.length === 0) continue;
    for (const clause of splitClauses(sentence.text, sentence.start)) {
      const inClause = inSentence.filter((n) => n.start >= clause.start && n.end <= clause.end);
      for (const group of groupNumbers(inClause)) {
        const owner = ownerOf(group, clause, sentence, entities, sentences);
        if (!owner) continue;
        const move = toMove(text, group, clause, sentence, cues, sentences);
        if (!move) continue;
        const window = contextWindow(group, inSentence, sentence);
        found.push({
          id: owner,
          move: move.move,
          start: group.anchor.start,
          end: group.last.end,
          currentness: currentnessOf(text.slice(window.start, window.end)),
          direction: move.direction,
        });
      }
    }
  }
  return found;
}

/**
 * The moves per company, most recent first, reduced to the current one: the move whose
 * wording marks it as current (present tense, "notiert", a weekday) over past prices
 * (a month, "Höchststand", pluperfect), then the more complete, then the earlier.
 */
export function currentMovesByCompany(
  text: string,
  mentions: readonly CompanyMention[],
  options: { language?: string } = {},
): Map<string, { moves: PriceMove[]; direction: -1 | 0 | 1 }> {
  const byCompany = new Map<string, FoundMove[]>();
  for (const move of findPriceMoves(text, mentions, options)) {
    const list = byCompany.get(move.id) ?? [];
    list.push(move);
    byCompany.set(move.id, list);
  }
  const result = new Map<string, { moves: PriceMove[]; direction: -1 | 0 | 1 }>();
  for (const [id, moves] of byCompany) {
    const ranked = [...moves].toSorted((a, b) => rankMove(b) - rankMove(a) || a.start - b.start);
    const best = ranked[0];
    if (best) result.set(id, { moves: [best.move], direction: best.direction });
  }
  return result;
}

function rankMove(move: FoundMove): number {
  const completeness = (move.move.changePct !== null ? 2 : 0) + (move.move.price !== null ? 1 : 0);
  return move.currentness * 10 + completeness;
}

interface Entity {
  id: string;
  start: number;
  end: number;
  isIndex: boolean;
}

interface NumberGroup {
  percent?: NumberMention;
  price?: NumberMention;
  anchor: NumberMention;
  last: NumberMention;
}

function isMoveNumber(n: NumberMention): boolean {
  if (n.kind === "percent") return Math.abs(n.value) < 1000;
  return n.kind === "money" && !n.scaled && n.value > 0;
}

function groupNumbers(numbers: readonly NumberMention[]): NumberGroup[] {
  const percents = numbers.filter((n) => n.kind === "percent");
  const prices = numbers.filter((n) => n.kind === "money");
  const used = new Set<NumberMention>();
  const groups: NumberGroup[] = [];
  for (const percent of percents) {
    const after = prices.find((p) => !used.has(p) && p.start >= percent.end);
    const before = prices.toReversed().find((p) => !used.has(p) && p.end <= percent.start);
    // "3,48 Prozent auf 130,70 HKD" pairs forward; "130,70 HKD (+3,48 %)" pairs backward.
    const price = after ?? (before && percent.start - before.end <= 12 ? before : undefined);
    if (price) used.add(price);
    const members = price ? [percent, price].toSorted((a, b) => a.start - b.start) : [percent];
    groups.push({
      percent,
      ...(price ? { price } : {}),
      anchor: members[0] ?? percent,
      last: members.at(-1) ?? percent,
    });
  }
  for (const price of prices) {
    if (!used.has(price)) groups.push({ price, anchor: price, last: price });
  }
  return groups.toSorted((a, b) => a.anchor.start - b.anchor.start);
}

function ownerOf(
  group: NumberGroup,
  clause: Span,
  sentence: Sentence,
  entities: readonly Entity[],
  sentences: readonly Sentence[],
): string | undefined {
  const at = group.anchor.start;
  const beforeInClause = entities.filter((e) => e.start >= clause.start && e.end <= at);
  const nearestBefore = beforeInClause.at(-1);
  if (nearestBefore) return nearestBefore.isIndex ? undefined : nearestBefore.id;
  // Inverted German word order: "Um 3 Prozent legte die Alibaba-Aktie zu."
  const afterInClause = entities.find((e) => e.start >= group.last.end && e.end <= clause.end);
  if (afterInClause) return afterInClause.isIndex ? undefined : afterInClause.id;
  const beforeInSentence = entities.filter((e) => e.start >= sentence.start && e.end <= at).at(-1);
  if (beforeInSentence) return beforeInSentence.isIndex ? undefined : beforeInSentence.id;
  if (entities.some((e) => !e.isIndex && e.start >= sentence.start && e.end <= sentence.end)) return undefined;
  // "Die Aktie schloss 2 % höher." / "Der Konzern gab um 2 % nach." after a sentence naming the company.
  if (!STOCK_ANAPHOR.test(sentence.text)) return undefined;
  const paragraphStart = sentences.find((s) => s.block === sentence.block)?.start ?? sentence.start;
  const previous = entities.filter((e) => e.start >= paragraphStart && e.end <= sentence.start).at(-1);
  return previous && !previous.isIndex ? previous.id : undefined;
}

function toMove(
  text: string,
  group: NumberGroup,
  clause: Span,
  sentence: Sentence,
  cues: ReturnType<typeof findDirectionCues>,
  sentences: readonly Sentence[],
): { move: PriceMove; direction: -1 | 0 | 1 } | undefined {
  const clauseText = text.slice(clause.start, clause.end);
  const stockNouns = STOCK_NOUNS.test(sentence.text);
  const stockContext = stockNouns || MOVE_VERBS.test(clauseText);
  let changePct: number | null = null;
  let direction: -1 | 0 | 1 = 0;
  if (group.percent && PERIOD_OR_DISCOUNT.test(localText(text, group, sentence))) {
    if (!group.price) return undefined;
    return toMove(text, { price: group.price, anchor: group.price, last: group.price }, clause, sentence, cues, sentences);
  }
  if (group.percent) {
    const fundamentals = FUNDAMENTALS.test(clauseText) && !/\b(?:Aktie|Aktien|Papiere|shares|stock)\b/iu.test(clauseText);
    if (!group.price && (fundamentals || !stockContext)) return undefined;
    const signed = signPercent(group.percent, cues, sentences);
    if (signed) {
      changePct = round(signed.changePct, 4);
      direction = signed.changePct > 0 ? 1 : signed.changePct < 0 ? -1 : 0;
    }
  }
  // A price alone ("für 549 Dollar") needs a word that makes it a share price.
  if (group.price && !group.percent && !stockNouns) return undefined;
  if (changePct === null && !group.price) return undefined;
  if (direction === 0 && group.price) {
    // A price without a percentage still carries the tone of its sentence ("nach einem weiteren Minus").
    const cue = cues.find((c) => c.start >= sentence.start && c.end <= sentence.end);
    direction = cue?.direction ?? 0;
  }
  return {
    move: {
      price: group.price ? round(group.price.value, 6) : null,
      currency: group.price?.currency ?? null,
      changePct,
    },
    direction,
  };
}

/** The text around a group up to the neighbouring clause breaks. */
function localText(text: string, group: NumberGroup, sentence: Span): string {
  const before = text.slice(sentence.start, group.anchor.start);
  const after = text.slice(group.last.end, sentence.end);
  const cut = Math.max(before.lastIndexOf(", "), before.lastIndexOf("; "));
  const next = after.search(/[,;]\s/u);
  return `${before.slice(cut >= 0 ? cut + 2 : 0)}${text.slice(group.anchor.start, group.last.end)}${next >= 0 ? after.slice(0, next) : after}`;
}

function contextWindow(group: NumberGroup, inSentence: readonly NumberMention[], sentence: Span): Span {
  const previous = inSentence.filter((n) => n.end <= group.anchor.start).at(-1);
  const next = inSentence.find((n) => n.start >= group.last.end && n !== group.percent && n !== group.price);
  return { start: previous?.end ?? sentence.start, end: next?.start ?? sentence.end };
}

function currentnessOf(window: string): number {
  const current = [...window.matchAll(CURRENT_CUES)].length;
  const history = [...window.matchAll(HISTORY_CUES)].length;
  return current - history;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
