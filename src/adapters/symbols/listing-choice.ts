/** Which listing of a company a mention stands for: the article's currency, prominence, then the base rank. */
import type { Listings } from "./listings.ts";
import { membersOf } from "./member-table.ts";
import { PROMINENT_SYMBOLS } from "./prominent.ts";

/** Listings preferred among equals (the liquid share class). */
const PREFERRED_LINES = new Set(["GOOGL", "BRK-B", "VOW3.DE", "MBG.DE", "HEN3.DE", "P911.DE"]);

/** The listing for a company found in a text: its name's groups or brand cluster, and a ticker written there. */
export type ChooseListing = (
  groups: readonly number[],
  prefer: readonly string[] | undefined,
  cluster: number | undefined,
  explicit: number | undefined,
) => number | undefined;

export function createListingChooser(listings: Listings): ChooseListing {
  const rankFor = (i: number, prefer: readonly string[] | undefined): number[] => {
    if (i < 0 || i >= listings.count) return [Number.MAX_SAFE_INTEGER];
    const symbol = listings.symbol(i);
    const currencyRank = prefer && prefer.length > 0 ? indexOrEnd(prefer, listings.currency(i).toUpperCase()) : 0;
    const prominence = listings.prominentClusters.has(listings.cluster[i] ?? -1) ? 0 : 1;
    const mainLine = PROMINENT_SYMBOLS.has(symbol) ? 0 : 1;
    return [currencyRank, prominence, mainLine, listings.baseRank[i] ?? 0, PREFERRED_LINES.has(symbol) ? 0 : 1, symbol.length];
  };
  const bestListing = (groups: readonly number[], prefer: readonly string[] | undefined, cluster?: number): number | undefined => {
    let best: number | undefined;
    let bestRank: number[] = [];
    const pools = cluster !== undefined ? [membersOf(listings.clusterMembers, cluster)] : groups.map((g) => membersOf(listings.groupMembers, g));
    for (const pool of pools) {
      for (const i of pool) {
        const rank = rankFor(i, prefer);
        if (best === undefined || compareRanks(rank, bestRank) < 0 || (compareRanks(rank, bestRank) === 0 && listings.symbol(i) < listings.symbol(best))) {
          best = i;
          bestRank = rank;
        }
      }
    }
    return best;
  };

  return (groups, prefer, cluster, explicit) => {
    const preferred = bestListing(groups, prefer, cluster);
    // A ticker written in the text wins unless the article's currency points to another line.
    return explicit !== undefined && (prefer === undefined || rankFor(explicit, prefer)[0] === rankFor(preferred ?? explicit, prefer)[0])
      ? explicit
      : preferred;
  };
}

function indexOrEnd(list: readonly string[], value: string): number {
  const i = list.indexOf(value);
  return i < 0 ? list.length : i;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
