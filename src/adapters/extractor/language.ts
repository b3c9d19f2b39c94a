import { detectAll } from "tinyld";
import { wordCount } from "./postclean.ts";

const SAMPLE_CHARS = 1200;
/** Below this, a detector is fooled by names and tickers; the page's own declaration wins. */
const MIN_WORDS_TO_OVERRIDE = 40;
const CONFIDENT = 0.9;
/** Nothing declared and nothing detected (a few words of names and numbers). */
const FALLBACK = "en";

export interface DetectedLanguage {
  lang: string;
  accuracy: number;
}

/** Languages tinyld sees in `text`, ISO 639-1 only, most likely first. */
export function detectLanguages(text: string): DetectedLanguage[] {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  if (sample.trim().length === 0) return [];
  return detectAll(sample).filter((d) => /^[a-z]{2}$/.test(d.lang));
}

/**
 * The article's language: the declared one (html lang, og:locale, content-language) unless the
 * text clearly says otherwise; detection alone when nothing is declared.
 */
export function resolveLanguage(text: string, declared: string | undefined): string {
  const detected = detectLanguages(text);
  const top = detected[0];
  if (!declared) return top?.lang ?? FALLBACK;
  if (!top || top.lang === declared) return declared;
  const declaredScore = detected.find((d) => d.lang === declared)?.accuracy ?? 0;
  const clearlyOther = top.accuracy >= CONFIDENT && declaredScore < 0.1 && wordCount(text) >= MIN_WORDS_TO_OVERRIDE;
  return clearlyOther ? top.lang : declared;
}
