/**
 * Which listings are one company: linked through the data's aliases (clusters), and through an
 * equal name key as well (groups), by union-find over listing indices.
 */
import { splitAliases } from "./alias-field.ts";
import type { ListingsBuilder } from "./listings-builder.ts";
import { memberTable, type MemberTable } from "./member-table.ts";
import { nameKeyTokens } from "./names.ts";

/** The columns `Listings.build` derives from the rows. */
export interface DerivedColumns {
  keys: string[];
  cluster: Int32Array;
  clusterMembers: MemberTable;
  group: Int32Array;
  groupMembers: MemberTable;
}

export function linkCompanies(b: ListingsBuilder): DerivedColumns {
  const n = b.symbols.length;
  // Same company: linked by aliases (symmetric, transitive).
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i += 1) parent[i] = i;
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    let c = i;
    while (parent[c] !== r) {
      const next = parent[c] ?? r;
      parent[c] = r;
      c = next;
    }
    return r;
  };
  const union = (a: number, b2: number) => {
    const ra = find(a);
    const rb = find(b2);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let i = 0; i < n; i += 1) {
    for (const alias of splitAliases(b.aliasFields[i] ?? "")) {
      const j = b.bySymbol.get(alias.toUpperCase());
      if (j !== undefined) union(i, j);
    }
  }
  const cluster = new Int32Array(n);
  for (let i = 0; i < n; i += 1) cluster[i] = find(i);
  const clusterMembers = memberTable(cluster);

  // Name keys. Listings that share a key are one company for matching purposes (union by key).
  const keys: string[] = [];
  const firstByKey = new Map<string, number>();
  for (let i = 0; i < n; i += 1) {
    const key = nameKeyTokens(b.names[i] ?? "").join(" ");
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, i);
      keys.push(key);
    } else {
      union(i, first);
      keys.push(keys[first] ?? key);
    }
  }
  firstByKey.clear();
  const group = new Int32Array(n);
  for (let i = 0; i < n; i += 1) group[i] = find(i);
  const groupMembers = memberTable(group);

  return { keys, cluster, clusterMembers, group, groupMembers };
}
