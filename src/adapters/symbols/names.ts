/** Name normalization shared by the directory's matcher and its search. */
import { foldForMatching } from "../../core/fold.ts";

/** Any UTF-16 code unit above ASCII (surrogates included). */
const NON_ASCII = /[\u0080-\uffff]/;

export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}

const LEGAL_TAIL = new Set([
  "inc", "incorporated", "corp", "corporation", "co", "cos", "company", "ltd", "limited", "plc", "ag", "se", "sa",
  "nv", "bv", "gmbh", "kgaa", "kg", "spa", "sarl", "ab", "publ", "asa", "as", "oyj", "oy", "holding", "holdings",
  "group", "grp", "adr", "ads", "pref", "preferred", "com", "llc", "lp", "ltda", "bhd", "berhad", "tbk", "pcl", "kk",
  "the", "and", "ord", "shs", "reg", "new",
]);
const LEGAL_TAIL_SEQUENCES = [
  ["s", "a"], ["n", "v"], ["s", "p", "a"], ["s", "e"], ["a", "s"], ["p", "l", "c"], ["l", "p"], ["k", "k"],
  ["a", "g"], ["s", "a", "b"], ["co", "kgaa"], ["class", "a"], ["class", "b"], ["class", "c"], ["series", "a"],
  ["a", "b"],
];

/** Distinctive name tokens: "Alibaba Group Holding Ltd" → ["alibaba"], "Mercedes-Benz Group AG" → ["mercedes", "benz"]. */
export function nameKeyTokens(name: string): string[] {
  const cleaned = name
    .replace(/\([^)]*\)/g, " ")
    .replace(/\bA\/S\b/gi, "AS")
    .replace(/\s*\/[A-Za-z .]*\/?\s*$/, " ")
    .replace(/\.com\b/gi, " ");
  const tokens = foldForMatching(cleaned).split(/[^a-z0-9]+/).filter(Boolean);
  while (tokens.length > 1 && tokens[0] === "the") tokens.shift();
  let changed = true;
  while (changed && tokens.length > 1) {
    changed = false;
    for (const seq of LEGAL_TAIL_SEQUENCES) {
      if (tokens.length > seq.length && seq.every((t, i) => tokens[tokens.length - seq.length + i] === t)) {
        tokens.splice(tokens.length - seq.length, seq.length);
        changed = true;
      }
    }
    const last = tokens.at(-1);
    if (tokens.length > 1 && last !== undefined && LEGAL_TAIL.has(last)) {
      tokens.pop();
      changed = true;
    }
  }
  return tokens;
}
