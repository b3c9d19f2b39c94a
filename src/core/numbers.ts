/**
 * Locale-aware number, percentage and currency parsing for market news in German and English.
 * Pure functions over text; offsets always refer to the text passed in.
 */

/** "comma": 1.234,5 (German and most of continental Europe); "dot": 1,234.5 (English). */
export type DecimalStyle = "comma" | "dot";

const DOT_DECIMAL_LANGUAGES = new Set(["en", "ja", "zh", "ko", "he", "th", "hi", "ms", "tl"]);

/** The decimal style of a text: evidence in the text first, the language as the tie-breaker. */
export function decimalStyleFor(language: string | undefined, text = ""): DecimalStyle {
  const fallback: DecimalStyle = language && DOT_DECIMAL_LANGUAGES.has(language.toLowerCase().slice(0, 2)) ? "dot" : "comma";
  let comma = 0;
  let dot = 0;
  for (const m of text.matchAll(/(?<![\d.,])\d+([.,])\d{1,2}(?![\d.,]?\d)/g)) {
    if (m[1] === ",") comma += 1;
    else dot += 1;
  }
  if (comma >= 2 && comma >= dot * 2) return "comma";
  if (dot >= 2 && dot >= comma * 2) return "dot";
  return fallback;
}

const GROUPING = /[\u00a0\u202f\u2009'’ ]/g;

/**
 * Parses one number as written ("3,48", "1.234,5", "1,234.5", "30.000", "1'234.50", "-0,5").
 * A single separator followed by exactly three digits is read as a thousands separator when it
 * is the style's grouping separator ("30.000" in German, "30,000" in English).
 */
export function parseLocaleNumber(raw: string, style: DecimalStyle = "comma"): number | undefined {
  let s = raw.trim().replace(/^[−–]/, "-");
  let sign = 1;
  if (s.startsWith("-")) {
    sign = -1;
    s = s.slice(1);
  } else if (s.startsWith("+")) {
    s = s.slice(1);
  }
  s = s.replace(GROUPING, "");
  if (!/^\d[\d.,]*$/.test(s) || /[.,]$/.test(s)) return undefined;
  const commas = s.split(",").length - 1;
  const dots = s.split(".").length - 1;
  let normalized: string;
  if (commas > 0 && dots > 0) {
    const decimal = s.lastIndexOf(",") > s.lastIndexOf(".") ? "," : ".";
    const group = decimal === "," ? "." : ",";
    if ((decimal === "," ? commas : dots) > 1) return undefined;
    normalized = s.split(group).join("").replace(decimal, ".");
  } else if (commas + dots === 0) {
    normalized = s;
  } else {
    const sep = commas > 0 ? "," : ".";
    const count = commas + dots;
    const parts = s.split(sep);
    const groupsOfThree = parts.slice(1).every((p) => p.length === 3) && (parts[0]?.length ?? 0) <= 3;
    if (count > 1) {
      if (!groupsOfThree) return undefined;
      normalized = parts.join("");
    } else {
      const isGroupSep = (style === "comma" && sep === ".") || (style === "dot" && sep === ",");
      normalized = isGroupSep && groupsOfThree ? parts.join("") : parts.join(".");
    }
  }
  const value = Number(normalized);
  return Number.isFinite(value) ? sign * value : undefined;
}

/** Currency words, symbols and codes → ISO 4217. `qualified: false` marks a bare "Dollar". */
interface CurrencyReading {
  code: string;
  qualified: boolean;
}

const CURRENCY_TABLE: Array<[RegExp, string]> = [
  [/^(?:us[-\s]?\$|us-?dollars?|us dollars?|u\.s\. dollars?|usd|amerikanische[n]? dollar)$/i, "USD"],
  [/^(?:hk\$|hkd|hongkong-?dollars?|hongkong dollars?|hong kong dollars?|hk-dollars?)$/i, "HKD"],
  [/^(?:c\$|ca\$|cad|kanadische[n]? dollar|canadian dollars?)$/i, "CAD"],
  [/^(?:a\$|au\$|aud|australische[n]? dollar|australian dollars?)$/i, "AUD"],
  [/^(?:nt\$|twd|taiwan-?dollars?|taiwan dollars?|new taiwan dollars?)$/i, "TWD"],
  [/^(?:s\$|sgd|singapur-?dollars?|singapore dollars?)$/i, "SGD"],
  [/^(?:€|eur|euros?)$/i, "EUR"],
  [/^(?:£|gbp|pfund(?: sterling)?|pounds?(?: sterling)?|sterling|britische[n]? pfund)$/i, "GBP"],
  [/^(?:chf|franken|schweizer franken|swiss francs?|sfr\.?)$/i, "CHF"],
  [/^(?:¥|jpy|yen|円)$/i, "JPY"],
  [/^(?:yuan|cny|rmb|renminbi|元)$/i, "CNY"],
  [/^(?:₩|krw|won)$/i, "KRW"],
  [/^(?:₹|inr|rupien|rupees?)$/i, "INR"],
  [/^(?:sek|schwedische[n]? kronen|swedish kron(?:a|or))$/i, "SEK"],
  [/^(?:nok|norwegische[n]? kronen|norwegian kron(?:e|er))$/i, "NOK"],
  [/^(?:dkk|dänische[n]? kronen|danish kron(?:e|er))$/i, "DKK"],
];

function readCurrency(raw: string): CurrencyReading | undefined {
  const s = raw.trim().replace(/\s+/g, " ");
  if (/^(?:\$|dollars?)$/i.test(s)) return { code: "USD", qualified: false };
  for (const [pattern, code] of CURRENCY_TABLE) if (pattern.test(s)) return { code, qualified: true };
  return undefined;
}

/** ISO 4217 code for a currency as written ("US-Dollar" → "USD", "Franken" → "CHF"), else undefined. */
export function normalizeCurrency(raw: string): string | undefined {
  return readCurrency(raw)?.code;
}

// Written after the number. Codes are upper case only; words are case-insensitive via (?i) variants.
const SUFFIX_CURRENCY =
  "US-Dollars?|US[- ]Dollars?|U\\.S\\. dollars?|Hongkong-Dollars?|Hongkong Dollars?|Hong Kong dollars?|HK-Dollars?|" +
  "(?:amerikanische|kanadische|australische)n? Dollar|Canadian dollars?|Australian dollars?|Taiwan-Dollars?|" +
  "Taiwan dollars?|New Taiwan dollars?|Singapur-Dollars?|Singapore dollars?|Dollars?|dollars?|Euros?|euros?|" +
  "Pfund Sterling|britische[n]? Pfund|Pfund|pounds?(?: sterling)?|Pounds?|Schweizer Franken|Franken|Swiss francs?|" +
  "Yen|yen|Yuan|yuan|Renminbi|renminbi|Won|Rupien|rupees?|(?:schwedische|norwegische|dänische)n? Kronen|" +
  "Swedish kron(?:a|or)|Norwegian kron(?:e|er)|Danish kron(?:e|er)|" +
  "USD|HKD|EUR|GBP|CHF|JPY|CNY|RMB|CAD|AUD|TWD|SGD|KRW|INR|SEK|NOK|DKK|€|\\$|£|¥|円|元|₩|₹";

// Written before the number.
const PREFIX_CURRENCY = "US\\$|HK\\$|C\\$|CA\\$|A\\$|AU\\$|NT\\$|S\\$|USD|HKD|EUR|GBP|CHF|JPY|CNY|RMB|CAD|AUD|SFr\\.|€|\\$|£|¥|₹|₩";

const SCALE =
  "Mio\\.|Mio|Millionen|Million|Mrd\\.|Mrd|Milliarden|Milliarde|Bio\\.|Billionen|Billion|Tsd\\.|Tausend|" +
  "million|millions|billion|billions|trillion|thousand|bn|mn|m|k";

const PERCENT = "%|Prozent(?!punkt)|prozent(?!punkt)|percent(?!age)|per cent|Pct\\b|pct\\b|v\\.\\s?H\\.";

const NUMBER =
  "[+\\-−–]?(?:\\d{1,3}(?:[.,'’\\u00a0\\u202f]\\d{3})+(?:[.,]\\d+)?|\\d+(?:[.,]\\d+)?)";

const MENTION = new RegExp(
  "(?<![\\p{L}\\d.,])" +
    `(?:(?<prefix>${PREFIX_CURRENCY})\\s?)?` +
    `(?<number>${NUMBER})` +
    // A scale word may be glued to the number ("$1.2bn", "€5m").
    "(?!(?!(?:bn|mn|m|k)(?![\\p{L}\\d]))[\\p{L}\\d])(?![.,]\\d)" +
    `(?:\\s?(?<scale>${SCALE})(?![\\p{L}]))?` +
    `(?:\\s?(?<percent>${PERCENT})|\\s?(?<suffix>${SUFFIX_CURRENCY})(?![\\p{L}]))?`,
  "gu",
);

const SCALE_FACTORS: Array<[RegExp, number]> = [
  [/^(?:tsd\.?|tausend|thousand|k)$/i, 1e3],
  [/^(?:mio\.?|millionen|million|millions|mn|m)$/i, 1e6],
  [/^(?:mrd\.?|milliarden|milliarde|billion|billions|bn)$/i, 1e9],
  [/^(?:bio\.?|billionen|trillion)$/i, 1e12],
];

export type NumberKind = "percent" | "money" | "number";

export interface NumberMention {
  kind: NumberKind;
  /** The value as written, signed when the text carries a sign ("+1,72 %", "-0,5 %"). */
  value: number;
  /** +1 / -1 when a sign is written before the number, else 0. */
  explicitSign: -1 | 0 | 1;
  /** ISO 4217 code for money. */
  currency?: string;
  /** True for amounts with a scale word ("1,2 Mrd. Euro", "$5 billion"): totals, never a share price. */
  scaled: boolean;
  /** Span of the whole mention (currency and unit included). */
  start: number;
  end: number;
  raw: string;
}

export interface NumberOptions {
  /** ISO 639-1 language of the text, used when the text does not reveal its decimal style. */
  language?: string;
  style?: DecimalStyle;
}

/**
 * Every number in a text with its unit. A bare "Dollar" takes the currency of the nearest
 * qualified dollar before it ("US-Dollar", "Hongkong-Dollar"), else the first one in the text,
 * else USD; "$" alone is always USD.
 */
export function findNumberMentions(text: string, options: NumberOptions = {}): NumberMention[] {
  const style = options.style ?? decimalStyleFor(options.language, text);
  const raws: Array<{ m: RegExpMatchArray; reading?: CurrencyReading }> = [];
  for (const m of text.matchAll(MENTION)) {
    const g = m.groups ?? {};
    const currencyRaw = g["prefix"] ?? g["suffix"];
    const reading = currencyRaw ? readCurrency(currencyRaw) : undefined;
    raws.push(reading ? { m, reading } : { m });
  }
  const qualifiedDollars = raws
    .map((r) => r.reading)
    .filter((r): r is CurrencyReading => r !== undefined && r.qualified && r.code.length === 3 && isDollarCode(r.code));
  // A qualified dollar can also be written without a number ("in US-Dollar notiert").
  const firstQualified = qualifiedDollars[0]?.code ?? firstQualifiedDollarWord(text);
  let lastQualified = firstQualified;

  const mentions: NumberMention[] = [];
  for (const { m, reading } of raws) {
    const g = m.groups ?? {};
    const numberRaw = g["number"] ?? "";
    let value = parseLocaleNumber(numberRaw, style);
    if (value === undefined) continue;
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const explicitSign: -1 | 0 | 1 = /^[-−–]/.test(numberRaw) ? -1 : numberRaw.startsWith("+") ? 1 : 0;
    const scaleRaw = g["scale"];
    let scaled = false;
    if (scaleRaw) {
      const factor = SCALE_FACTORS.find(([p]) => p.test(scaleRaw))?.[1];
      // "m" and "k" count as scale only right after a currency ("$5m"), not in "5 m Höhe".
      const attached = scaleRaw.length > 1 || g["prefix"] !== undefined;
      if (factor && attached) {
        value *= factor;
        scaled = true;
      }
    }
    if (g["percent"]) {
      mentions.push({ kind: "percent", value, explicitSign, scaled: false, start, end, raw: m[0] });
      continue;
    }
    if (reading) {
      let code = reading.code;
      if (reading.qualified && isDollarCode(code)) lastQualified = code;
      // "$" alone is the US dollar (other dollars are written HK$, C$, A$); a bare "Dollar" follows the article.
      if (!reading.qualified) code = currencyRaw(m) === "$" ? "USD" : (lastQualified ?? "USD");
      mentions.push({ kind: "money", value, explicitSign, currency: code, scaled, start, end, raw: m[0] });
      continue;
    }
    const numberEnd = start + (g["prefix"] ? m[0].indexOf(numberRaw) : 0) + numberRaw.length;
    mentions.push({
      kind: "number",
      value,
      explicitSign,
      scaled,
      start,
      end: scaled ? end : numberEnd,
      raw: text.slice(start, scaled ? end : numberEnd),
    });
  }
  return mentions;
}

function currencyRaw(m: RegExpMatchArray): string {
  return (m.groups?.["prefix"] ?? m.groups?.["suffix"] ?? "").trim();
}

function isDollarCode(code: string): boolean {
  return ["USD", "HKD", "CAD", "AUD", "TWD", "SGD"].includes(code);
}

function firstQualifiedDollarWord(text: string): string | undefined {
  const m = /\b(US-Dollar|US\$|Hongkong-Dollar|HK\$|HK-Dollar|Hong Kong dollar|kanadische[n]? Dollar|australische[n]? Dollar|Canadian dollar|Australian dollar)/iu.exec(text);
  return m?.[1] ? readCurrency(m[1])?.code : undefined;
}
