/**
 * Which company a typed name means: prominence of a listing's company (a member of a major index,
 * listed in many places) for autocomplete, and the one company a whole name denotes ("alibaba",
 * "Siemens") for inputs that accept a company instead of a symbol.
 */
import type { Listings } from "./listings.ts";
import { membersOf } from "./member-table.ts";
import { INDEX_MEMBERSHIPS, LARGEST_US_SYMBOLS, PROMINENT_SYMBOLS } from "./prominent.ts";
import { foldForMatching } from "../../core/fold.ts";
import { nameKeyTokens } from "./names.ts";
import type { PrefixIndex } from "./search.ts";

/**
 * Higher for the companies people mean: 0 for a company in no major index; else the number of
 * major indices it is in, plus the countries it is listed in (Alibaba: Hang Seng, and the US,
 * Hong Kong and Germany), plus 2 for the largest US companies.
 */
export function companyProminence(listings: Listings): (i: number) => number {
  const cache = new Map<number, number>();
  return (i) => {
    const group = listings.group[i] ?? i;
    let score = cache.get(group);
    if (score === undefined) {
      score = listings.prominentGroups.has(group) ? prominenceOf(listings, group) : 0;
      cache.set(group, score);
    }
    return score;
  };
}

function prominenceOf(listings: Listings, group: number): number {
  let indices = 0;
  let largest = false;
  const countries = new Set<string>();
  for (const i of membersOf(listings.groupMembers, group)) {
    const symbol = listings.symbol(i);
    indices = Math.max(indices, INDEX_MEMBERSHIPS.get(symbol) ?? (PROMINENT_SYMBOLS.has(symbol) ? 1 : 0));
    largest ||= LARGEST_US_SYMBOLS.has(symbol);
    countries.add(listings.country(i));
  }
  return indices + countries.size + (largest ? 2 : 0);
}

/** Folded text with separators as single spaces, as the prefix index keeps names. */
export function searchText(text: string): string {
  return foldForMatching(text).replace(/[^a-z0-9]+/g, " ").trim();
}

/**
 * The listings of the one company a name denotes, best listing first, or [] when the name is
 * not a company's whole distinctive name or names several companies equally.
 */
export function createCompanyLookup(listings: Listings, prefixes: PrefixIndex, order: (i: number) => number): (query: string) => number[] {
  const { nameTexts, nameOwners } = prefixes;
  return (query) => {
    const full = searchText(query);
    const key = nameKeyTokens(query).join(" ");
    if (full === "" || key === "") return [];
    const groups = new Set<number>();
    for (const wanted of new Set([key, full])) {
      // nameTexts is sorted: the exact matches are one run.
      let lo = 0;
      let hi = nameTexts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((nameTexts[mid] ?? "") < wanted) lo = mid + 1;
        else hi = mid;
      }
      for (let p = lo; p < nameTexts.length && nameTexts[p] === wanted; p += 1) {
        const i = nameOwners[p] ?? 0;
        groups.add(listings.group[i] ?? i);
      }
    }
    let chosen = [...groups];
    // "Siemens" could be a small namesake too: an index member is the one people mean.
    if (chosen.length > 1) chosen = chosen.filter((g) => listings.prominentGroups.has(g));
    const group = chosen.length === 1 ? chosen[0] : undefined;
    if (group === undefined) return [];
    return [...membersOf(listings.groupMembers, group)].toSorted((a, b) => order(a) - order(b) || a - b);
  };
}
