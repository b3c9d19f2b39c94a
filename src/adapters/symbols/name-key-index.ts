/**
 * The name keys of the directory and the curated brands, indexed for walking a text token by token,
 * with what each key stands for and when it may match.
 */
import { foldForMatching } from "../../core/fold.ts";
import { BRAND_ALIASES } from "./brands.ts";
import { COMMON_WORDS } from "./common-words.ts";
import type { Listings } from "./listings.ts";
import { isAscii } from "./names.ts";

// Exchange names, as venues, are not mentions of the exchange operator.
const VENUE_KEYS = new Set([
  "nasdaq", "euronext", "london stock exchange", "japan exchange", "tradegate", "cboe", "six", "nyse",
  "boerse stuttgart",
]);

// Names of major companies that are also everyday words in German or English news
// ("Block-Handel", "eine Allianz", "Southern California"): matched only next to a company cue.
const AMBIGUOUS_NAMES = new Set([
  "strategy", "news", "pool", "ball", "coherent", "dover", "mosaic", "progressive", "southern", "waters", "block",
  "trip", "admiral", "berkeley", "compass", "diploma", "next", "phoenix", "sage", "weir", "fox", "allianz",
  "linde", "bayer", "puma", "continental", "smiths", "match",
]);

/** What a name key stands for. */
export interface KeyInfo {
  groups: number[];
  /** A curated brand names one company's listings (alias cluster), not everything of that name. */
  cluster?: number;
  /** Lower-case spellings the name has in the data ("eBay"): the only lower-case forms that match. */
  forms?: ReadonlySet<string>;
  /** Single short token ("SAP", "HP"): must appear in capitals exactly like this. */
  exact?: string;
  /** A common word ("Block", "Target"): counts only next to a company cue ("Block Inc", "Target-Aktie"). */
  needsCue: boolean;
}

/**
 * Name keys as one map from the key's folded tokens joined by spaces to its number; every shorter
 * run of leading tokens is in the map too (as -1), so a text can be walked token by token as in a
 * trie, without a node object per token.
 */
export class KeyIndex {
  readonly phrases = new Map<string, number>();
  /** Per key: its group, or its groups when there are several. */
  readonly #groups: Array<number | number[]> = [];
  readonly #cluster: number[] = [];
  readonly #needsCue: boolean[] = [];
  readonly #exact = new Map<number, string>();
  readonly #forms = new Map<number, Set<string>>();

  /** Adds every listing's name key and the curated brands. */
  fill(listings: Listings): void {
    const tokensOf = new Map<string, string[]>();
    for (let i = 0; i < listings.count; i += 1) {
      const key = listings.keys[i] ?? "";
      let tokens = tokensOf.get(key);
      if (!tokens) {
        tokens = key === "" ? [] : key.split(" ");
        tokensOf.set(key, tokens);
      }
      this.#add(listings, key, tokens, listings.group[i] ?? i, listings.name(i), false);
    }
    for (const [brand, symbol] of BRAND_ALIASES) {
      const i = listings.bySymbol.get(symbol.toUpperCase());
      if (i === undefined) continue;
      const tokens = foldForMatching(brand).split(/[^a-z0-9]+/).filter(Boolean);
      this.#add(listings, tokens.join(" "), tokens, listings.group[i] ?? i, brand, true, listings.cluster[i]);
    }
  }

  #add(listings: Listings, key: string, tokens: readonly string[], group: number, original: string, brand: boolean, cluster?: number): void {
    if (tokens.every((t) => /^\d+$/.test(t))) return;
    if (tokens.length === 1 && key.length < 2) return;
    let prefix = "";
    for (let t = 0; t < tokens.length - 1; t += 1) {
      prefix = t === 0 ? (tokens[0] ?? "") : `${prefix} ${tokens[t] ?? ""}`;
      if (!this.phrases.has(prefix)) this.phrases.set(prefix, -1);
    }
    const known = this.phrases.get(key) ?? -1;
    const k = known >= 0 ? known : this.#groups.length;
    if (known < 0) {
      this.phrases.set(key, k);
      this.#groups.push([]);
      this.#cluster.push(-1);
      this.#needsCue.push(false);
    }
    // A curated brand names one company outright ("Meta" is Meta Platforms, whatever else is called Meta).
    if (brand) {
      this.#groups[k] = group;
      if (cluster !== undefined) this.#cluster[k] = cluster;
    } else {
      const groups = this.groupsOf(k);
      if (!groups.includes(group)) this.#groups[k] = groups.length === 0 ? group : [...groups, group];
    }
    const single = tokens[0] ?? "";
    const isShort = tokens.length === 1 && single.length <= 3;
    const surface = surfaceOf(original, single);
    if (isShort) this.#exact.set(k, surface.toUpperCase());
    // Names written in lower case ("eBay", "adidas") keep their spelling; others match capitalised words.
    if (/^\p{Ll}/u.test(surface)) {
      const forms = this.#forms.get(k) ?? new Set<string>();
      forms.add(surface);
      this.#forms.set(k, forms);
    }
    const prominent = listings.prominentGroups.has(group);
    const common =
      VENUE_KEYS.has(key) ||
      AMBIGUOUS_NAMES.has(key) ||
      (tokens.length === 1 && !prominent && !brand && (COMMON_WORDS.has(single) || isShort));
    // A key needs a cue only if every company owning it does: a prominent owner lifts the requirement.
    this.#needsCue[k] = known >= 0 ? (this.#needsCue[k] ?? false) && common : common;
    if (brand) this.#needsCue[k] = VENUE_KEYS.has(key) || AMBIGUOUS_NAMES.has(key);
  }

  groupsOf(k: number): number[] {
    const g = this.#groups[k];
    return g === undefined ? [] : typeof g === "number" ? [g] : g;
  }

  info(k: number): KeyInfo {
    const info: KeyInfo = { groups: this.groupsOf(k), needsCue: this.#needsCue[k] ?? false };
    const cluster = this.#cluster[k] ?? -1;
    if (cluster >= 0) info.cluster = cluster;
    const forms = this.#forms.get(k);
    if (forms) info.forms = forms;
    const exact = this.#exact.get(k);
    if (exact !== undefined) info.exact = exact;
    return info;
  }
}

/** How `original` spells the folded word `single` ("eBay" for "ebay"); `single` itself when it does not. */
function surfaceOf(original: string, single: string): string {
  // ASCII letters and digits are all of ASCII's \p{L}\p{N}, and folding ASCII is lower-casing.
  if (isAscii(original)) return original.split(/[^A-Za-z0-9]+/).find((w) => w.toLowerCase() === single) ?? single;
  return original.split(/[^\p{L}\p{N}]+/u).find((w) => foldForMatching(w) === single) ?? single;
}
