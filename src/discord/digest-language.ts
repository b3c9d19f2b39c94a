import { isOfferedLanguage, languageForLocale } from "./locale.ts";

/** A channel's digest language: the one chosen for it, else the server's preferred locale when offered, else English. */
export function channelDigestLanguage(stored: string | undefined, guildLocale: string | null | undefined): string {
  if (stored !== undefined && isOfferedLanguage(stored)) return stored;
  return languageForLocale(guildLocale) ?? "en";
}
