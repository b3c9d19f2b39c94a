import { CATALOGS, type MessageKey } from "../../locales/index.ts";
import { formatPct, formatPrice } from "../core/price-format.ts";
import { languageForLocale } from "./locale.ts";

/**
 * Translation and formatting for one language: messages from the catalogs in locales/ (English
 * when a catalog lacks a key), numbers, percentages, prices and dates through Intl in that
 * language, so one message never mixes "6,58 USD" and "+3.48 %".
 */
export type { MessageKey };
export type Params = Readonly<Record<string, string | number>>;

const PLURAL = /\{(\w+), plural, one \{([^{}]*)\} other \{([^{}]*)\}\}/g;

export interface Translator {
  readonly language: string;
  /** True when the language has a catalog; otherwise words (and language names) are English. */
  readonly localized: boolean;
  t(key: MessageKey, params?: Params): string;
  /** A catalog entry that may be absent (command localizations). */
  lookup(key: string): string | undefined;
  number(value: number, digits?: number): string;
  /** "+3,48 %" in German, "+3.48 %" in English: always signed (the /quote and price-line format). */
  percent(value: number): string;
  /** "A, B und C" in German, "A, B and C" in English. */
  list(items: readonly string[]): string;
  /** "130,70 HKD". */
  price(value: number, currency: string): string;
  /** The name of a language in this language ("Deutsch" → "German" in English). */
  languageName(code: string): string;
}

const translators = new Map<string, Translator>();

/** The translator of a language code, a Discord locale ("de", "en-US", "pt-BR") or English. */
export function translator(languageOrLocale: string | null | undefined): Translator {
  const language = catalogLanguage(languageOrLocale);
  let existing = translators.get(language);
  if (existing === undefined) {
    existing = createTranslator(language);
    translators.set(language, existing);
  }
  return existing;
}

function catalogLanguage(languageOrLocale: string | null | undefined): string {
  // Languages without a catalog still get Intl formats in their language; words fall back to English.
  return languageForLocale(languageOrLocale) ?? "en";
}

function createTranslator(language: string): Translator {
  const catalog = CATALOGS[language] ?? {};
  const english = CATALOGS["en"] ?? {};
  const plurals = new Intl.PluralRules(language);
  const numberFormats = new Map<number, Intl.NumberFormat>();
  let names: Intl.DisplayNames | undefined;
  const fill = (template: string, params: Params): string =>
    template
      .replace(PLURAL, (_, name: string, one: string, other: string) => {
        const count = Number(params[name] ?? 0);
        return (plurals.select(count) === "one" ? one : other).replace(/#/g, formatNumber(count, 0));
      })
      .replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
  function formatNumber(value: number, digits = 2): string {
    let format = numberFormats.get(digits);
    if (format === undefined) {
      format = new Intl.NumberFormat(language, { minimumFractionDigits: digits, maximumFractionDigits: digits });
      numberFormats.set(digits, format);
    }
    return format.format(value);
  }
  return {
    language,
    localized: CATALOGS[language] !== undefined,
    t: (key, params = {}) => fill(catalog[key] ?? english[key] ?? key, params),
    lookup: (key) => (catalog as Record<string, string | undefined>)[key],
    number: formatNumber,
    percent: (value) => formatPct(value, language),
    list: (items) => new Intl.ListFormat(language, { type: "conjunction" }).format(items),
    price: (value, currency) => `${formatPrice(value, language)} ${currency}`,
    languageName: (code) => {
      try {
        names ??= new Intl.DisplayNames([CATALOGS[language] === undefined ? "en" : language], { type: "language" });
        return names.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

/**
 * A user-facing error in the reader's language: its catalog key when the reader's catalog has
 * it; else, for a reader of another language, the catalog's text for its code; else its message.
 */
export function localizedError(
  err: { message: string; code?: string; key?: string | undefined; params?: Params },
  locale: string | null | undefined,
): string {
  const tr = translator(locale);
  if (err.key !== undefined && tr.lookup(err.key) !== undefined) return tr.t(err.key as MessageKey, err.params ?? {});
  const byCode = err.code === undefined ? undefined : `error.code.${err.code}`;
  if (tr.language !== "en" && byCode !== undefined && tr.lookup(byCode) !== undefined) return tr.t(byCode as MessageKey);
  return err.message;
}

/** Every catalog language other than English (command localizations). */
export function translatedLanguages(): string[] {
  return Object.keys(CATALOGS).filter((code) => code !== "en");
}
