import type { APIApplicationCommandOptionChoice } from "discord-api-types/v10";

/**
 * Languages a brief can be written in, offered as the `language` option's choices
 * (Discord allows at most 25). Names are shown in the language itself.
 */
export const BRIEF_LANGUAGES = [
  { code: "en", name: "English" },
  { code: "de", name: "Deutsch" },
  { code: "fr", name: "Français" },
  { code: "es", name: "Español" },
  { code: "it", name: "Italiano" },
  { code: "pt", name: "Português" },
  { code: "nl", name: "Nederlands" },
  { code: "pl", name: "Polski" },
  { code: "sv", name: "Svenska" },
  { code: "da", name: "Dansk" },
  { code: "no", name: "Norsk" },
  { code: "fi", name: "Suomi" },
  { code: "cs", name: "Čeština" },
  { code: "ro", name: "Română" },
  { code: "hu", name: "Magyar" },
  { code: "tr", name: "Türkçe" },
  { code: "el", name: "Ελληνικά" },
  { code: "ru", name: "Русский" },
  { code: "uk", name: "Українська" },
  { code: "ja", name: "日本語" },
  { code: "ko", name: "한국어" },
  { code: "zh", name: "中文" },
  { code: "hi", name: "हिन्दी" },
  { code: "id", name: "Bahasa Indonesia" },
  { code: "vi", name: "Tiếng Việt" },
] as const;

export type BriefLanguage = (typeof BRIEF_LANGUAGES)[number]["code"];

const OFFERED = new Set<string>(BRIEF_LANGUAGES.map((l) => l.code));

export const LANGUAGE_CHOICES: APIApplicationCommandOptionChoice<string>[] = BRIEF_LANGUAGES.map((l) => ({
  name: l.name,
  value: l.code,
}));

/** Discord locale ("en-US", "pt-BR", "zh-CN", "es-419", "nb"…) → offered brief language, if any. */
export function languageForLocale(locale: string | null | undefined): BriefLanguage | undefined {
  if (!locale) return undefined;
  let base = locale.toLowerCase().split(/[-_]/)[0] ?? "";
  if (base === "nb" || base === "nn") base = "no";
  return OFFERED.has(base) ? (base as BriefLanguage) : undefined;
}

export function isOfferedLanguage(code: string): code is BriefLanguage {
  return OFFERED.has(code);
}

/** The brief language: the chosen one, else the reader's locale when offered, else English. */
export function resolveBriefLanguage(chosen: string | null | undefined, userLocale: string | null | undefined): BriefLanguage {
  if (chosen && isOfferedLanguage(chosen)) return chosen;
  return languageForLocale(userLocale) ?? "en";
}
