/**
 * Autocomplete and "did you mean" over the directory: symbol prefix, then name prefix, then
 * trigram similarity, over sorted indexes and trigram postings kept as offset tables over typed
 * arrays.
 */
import { companyProminence } from "./company-rank.ts";
import type { Listings } from "./listings.ts";
import { memberTable, membersOf, type MemberTable } from "./member-table.ts";
import { foldForMatching } from "../../core/fold.ts";

export type Search = (query: string, limit: number) => number[];

/** The indexes a search uses. */
export interface SearchIndexes {
  prefixes: PrefixIndex;
  fuzzy: FuzzyIndex;
}

/** Lower first: listings of index members, then the home listing, major exchange, ordinary share. */
export function listingOrder(listings: Listings): (i: number) => number {
  return (i) =>
    i >= 0 && i < listings.count
      ? (listings.prominentGroups.has(listings.group[i] ?? -1) ? 0 : 1) * 1000 + (listings.baseRank[i] ?? 0)
      : Number.MAX_SAFE_INTEGER;
}

export function createSearch(listings: Listings, indexes: SearchIndexes): Search {
  const order = listingOrder(listings);
  const prominence = companyProminence(listings);

  return (query, limit) => {
    const q = query.trim();
    if (!q || limit <= 0) return [];
    const prefixes = indexes.prefixes;
    const { symbolOrder, nameTexts, nameOwners } = prefixes;
    const out: number[] = [];
    const seen = new Set<number>();
    const push = (list: Iterable<number>) => {
      for (const i of list) {
        if (out.length >= limit) return;
        if (seen.has(i)) continue;
        seen.add(i);
        out.push(i);
      }
    };
    const lower = q.toLowerCase();
    // 1. Symbol prefix: exact symbol first, then shorter and more prominent.
    const closeness = (i: number) => {
      const symbol = listings.symbol(i).toLowerCase();
      return symbol === lower ? 0 : symbol.split(".")[0] === lower ? 1 : 2;
    };
    const symbolHits = prefixRange(symbolOrder.length, (p) => listings.symbol(symbolOrder[p] ?? 0).toLowerCase(), lower, 400)
      .map((p) => symbolOrder[p] ?? 0)
      .toSorted((a, b) => closeness(a) - closeness(b) || listings.symbol(a).length - listings.symbol(b).length || order(a) - order(b) || a - b);
    // The symbol typed in full comes first ("BABA", "SAP" and SAP.DE; a small "ALI.AX" only after the companies below).
    push(symbolHits.filter((i) => closeness(i) === 0 || (closeness(i) === 1 && prominence(i) > 0)));
    if (out.length >= limit) return out;
    // 1a. Then the well-known companies whose name starts so ("ali" → Alibaba before ALI.AX), most prominent first.
    const folded = foldForMatching(q).replace(/[^a-z0-9]+/g, " ").trim();
    const nameHits = folded ? prefixRange(nameTexts.length, (p) => nameTexts[p] ?? "", folded, 2000).map((p) => nameOwners[p] ?? 0) : [];
    const exactKey = (i: number) => (listings.keys[i] === folded ? 0 : 1);
    push(
      nameHits
        .filter((i) => prominence(i) > 0)
        .toSorted((a, b) => exactKey(a) - exactKey(b) || prominence(b) - prominence(a) || (listings.group[a] ?? a) - (listings.group[b] ?? b) || order(a) - order(b) || a - b),
    );
    if (out.length >= limit) return out;
    push(symbolHits);
    if (out.length >= limit) return out;
    // 1b. A symbol one typo away ("BABAA", "BAAB"), for queries shaped like a symbol.
    if (/^[a-z0-9.-]{2,10}$/.test(lower)) {
      const near = oneEditAway(lower)
        .flatMap((candidate) => prefixes.bySymbol.get(candidate) ?? [])
        .toSorted((a, b) => order(a) - order(b) || a - b);
      push(near);
      if (out.length >= limit) return out;
    }
    // 2. Name prefix.
    if (folded) {
      const byRelevance = nameHits.toSorted((a, b) => exactKey(a) - exactKey(b) || order(a) - order(b) || listings.name(a).length - listings.name(b).length || a - b);
      push(byRelevance);
    }
    if (out.length >= limit || folded.length < 3) return out;
    // 3. Fuzzy: Dice coefficient over trigrams of the distinct name keys.
    const fuzzy = indexes.fuzzy;
    for (const k of fuzzy.similar(folded)) {
      if (out.length >= limit) break;
      push([...membersOf(fuzzy.members, k)].toSorted((a, b) => order(a) - order(b) || a - b));
    }
    return out;
  };
}

export interface PrefixIndex {
  /** Listings sorted by lower-case symbol. */
  symbolOrder: Int32Array;
  /** Listings by lower-case symbol. */
  bySymbol: Map<string, number[]>;
  /** Folded full names and name keys, sorted (ties by listing), with their listing. */
  nameTexts: string[];
  nameOwners: Int32Array;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The symbol and name prefix index. */
export function buildPrefixIndex(listings: Listings): PrefixIndex {
  const n = listings.count;
  const lowerSymbols: string[] = [];
  for (let i = 0; i < n; i += 1) {
    lowerSymbols.push(listings.symbol(i).toLowerCase());
  }
  const symbolOrder = Int32Array.from({ length: n }, (_, i) => i).toSorted((a, b) => compareStrings(lowerSymbols[a] ?? "", lowerSymbols[b] ?? "") || a - b);

  const texts: string[] = [];
  const owners: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const full = foldForMatching(listings.name(i)).replace(/[^a-z0-9]+/g, " ").trim();
    texts.push(full);
    owners.push(i);
    const key = listings.keys[i] ?? "";
    if (key && key !== full) {
      texts.push(key);
      owners.push(i);
    }
  }
  const sorted = Int32Array.from({ length: texts.length }, (_, p) => p).toSorted(
    (a, b) => compareStrings(texts[a] ?? "", texts[b] ?? "") || (owners[a] ?? 0) - (owners[b] ?? 0),
  );
  const bySymbol = new Map<string, number[]>();
  for (let i = 0; i < n; i += 1) {
    const symbol = lowerSymbols[i] ?? "";
    const list = bySymbol.get(symbol);
    if (list) list.push(i);
    else bySymbol.set(symbol, [i]);
  }
  const nameTexts: string[] = [];
  const nameOwners = new Int32Array(sorted.length);
  for (let q = 0; q < sorted.length; q += 1) {
    const p = sorted[q] ?? 0;
    nameTexts.push(texts[p] ?? "");
    nameOwners[q] = owners[p] ?? 0;
  }
  return { symbolOrder, bySymbol, nameTexts, nameOwners };
}

const SYMBOL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-";

/** Every string one deletion, insertion, substitution or swap of neighbours away. */
function oneEditAway(word: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i += 1) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + (tail[1] ?? "") + (tail[0] ?? "") + tail.slice(2));
    for (const c of SYMBOL_CHARS) {
      out.add(head + c + tail);
      if (tail) out.add(head + c + tail.slice(1));
    }
  }
  out.delete(word);
  return [...out];
}

/** Positions whose text starts with prefix, from a sorted sequence (bounded). */
function prefixRange(length: number, textAt: (position: number) => string, prefix: string, max: number): number[] {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (textAt(mid) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let p = lo; p < length && out.length < max; p += 1) {
    if (!textAt(p).startsWith(prefix)) break;
    out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export interface FuzzyIndex {
  /** Listings of each distinct key, by key number. */
  members: MemberTable;
  /** Distinct keys most similar to the query first (Dice ≥ 0.35). */
  similar(folded: string): number[];
}

const MIN_DICE = 0.35;

/** The trigram index of the distinct name keys. */
export function buildFuzzyIndex(listings: Listings): FuzzyIndex {
  // Distinct keys in first-seen order (the full folded name when a listing has no key).
  const keyNumbers = new Map<string, number>();
  const keys: string[] = [];
  const keyOf = new Int32Array(listings.count);
  for (let i = 0; i < listings.count; i += 1) {
    const key = listings.keys[i] || foldForMatching(listings.name(i));
    let k = keyNumbers.get(key);
    if (k === undefined) {
      k = keys.length;
      keys.push(key);
      keyNumbers.set(key, k);
    }
    keyOf[i] = k;
  }
  keyNumbers.clear();
  const members = memberTable(keyOf, keys.length);

  // Postings: trigram → keys holding it, as one offset table (each key's trigram numbers are
  // noted in order on the way, then dealt out).
  const gramIds = new Map<string, number>();
  const gramCount = new Uint16Array(keys.length);
  const counts: number[] = [];
  const keyGrams: number[] = [];
  for (let k = 0; k < keys.length; k += 1) {
    const grams = trigrams(keys[k] ?? "");
    gramCount[k] = grams.size;
    for (const g of grams) {
      let id = gramIds.get(g);
      if (id === undefined) {
        id = counts.length;
        gramIds.set(g, id);
        counts.push(0);
      }
      counts[id] = (counts[id] ?? 0) + 1;
      keyGrams.push(id);
    }
  }
  const start = new Int32Array(counts.length + 1);
  counts.forEach((c, id) => (start[id + 1] = (start[id] ?? 0) + c));
  const fill = start.slice(0, counts.length);
  const postings = new Int32Array(keyGrams.length);
  let at = 0;
  for (let k = 0; k < keys.length; k += 1) {
    for (const end = at + (gramCount[k] ?? 0); at < end; at += 1) {
      const id = keyGrams[at] ?? 0;
      const slot = fill[id] ?? 0;
      postings[slot] = k;
      fill[id] = slot + 1;
    }
  }
  const shared = new Uint16Array(keys.length);

  return {
    members,
    similar(folded) {
      const grams = trigrams(folded);
      const touched: number[] = [];
      for (const g of grams) {
        const id = gramIds.get(g);
        if (id === undefined) continue;
        for (let p = start[id] ?? 0; p < (start[id + 1] ?? 0); p += 1) {
          const k = postings[p] ?? 0;
          if (shared[k] === 0) touched.push(k);
          shared[k] = (shared[k] ?? 0) + 1;
        }
      }
      const scored: Array<[number, number]> = [];
      for (const k of touched) {
        const score = (2 * (shared[k] ?? 0)) / (grams.size + (gramCount[k] ?? 0));
        shared[k] = 0;
        if (score >= MIN_DICE) scored.push([k, score]);
      }
      scored.sort((a, b) => b[1] - a[1] || (keys[a[0]] ?? "").length - (keys[b[0]] ?? "").length || a[0] - b[0]);
      return scored.map(([k]) => k);
    },
  };
}

function trigrams(s: string): Set<string> {
  const padded = `  ${s} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i += 1) grams.add(padded.slice(i, i + 3));
  return grams;
}
