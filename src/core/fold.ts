/**
 * Folds text for matching, not for display: lowercase, German umlauts spelled out (ä → ae, the
 * way German names are written in ASCII), other accents dropped. Used by the name matcher, the
 * sentence ranker and headline clustering alike.
 */
export function foldForMatching(text: string): string {
  const lower = text.toLowerCase();
  // Plain ASCII has nothing to transliterate or strip (most names: the directory loads faster).
  if (!/[\u0080-\uffff]/.test(lower)) return lower;
  return lower
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFD")
    .replace(/\p{M}/gu, "");
}
