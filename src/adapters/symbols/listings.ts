/**
 * The directory's listings in column form: one slot per listing in a few arrays instead of an
 * object (with an alias array) per row, small value sets (exchange, country, currency) as byte
 * codes, member lists as offset tables. Entries are built on demand and kept once built.
 */
import type { SymbolEntry } from "../../core/ports.ts";
import { nameKeyTokens } from "./names.ts";
import { PROMINENT_SYMBOLS } from "./prominent.ts";

/** A directory row: the listing as the rest of the app sees it, plus where the data came from. */
export interface SymbolRow extends SymbolEntry {
  source?: string;
}

/** Members of each root (a listing index), in listing order: members(root) = items[start[root] .. start[root + 1]). */
export interface MemberTable {
  start: Int32Array;
  items: Int32Array;
}

export function membersOf(table: MemberTable, root: number): Int32Array {
  return table.items.subarray(table.start[root] ?? 0, table.start[root + 1] ?? 0);
}

/** Groups indices by owner: owners[i] is the owner (below ownerCount) of index i. */
export function memberTable(owners: Int32Array, ownerCount: number = owners.length): MemberTable {
  const start = new Int32Array(ownerCount + 1);
  for (const o of owners) start[o + 1] = (start[o + 1] ?? 0) + 1;
  for (let o = 0; o < ownerCount; o += 1) start[o + 1] = (start[o + 1] ?? 0) + (start[o] ?? 0);
  const fill = start.slice(0, ownerCount);
  const items = new Int32Array(owners.length);
  owners.forEach((o, i) => {
    const at = fill[o] ?? 0;
    items[at] = i;
    fill[o] = at + 1;
  });
  return { start, items };
}

/** Interns a small set of strings as byte codes. */
class CodeColumn {
  readonly values: string[] = [];
  readonly #ids = new Map<string, number>();
  codes: Uint8Array | Uint16Array;
  constructor(capacity: number) {
    this.codes = new Uint16Array(capacity);
  }
  set(i: number, value: string): void {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.#ids.set(value, id);
    }
    if (i >= this.codes.length) {
      const grown = new Uint16Array(Math.max(64, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[i] = id;
  }
  get(i: number): string {
    return this.values[this.codes[i] ?? 0] ?? "";
  }
  /** Drops the intern map and spare capacity once every slot is set. */
  seal(count: number): void {
    this.#ids.clear();
    const used = this.codes.subarray(0, count);
    this.codes = this.values.length <= 256 ? Uint8Array.from(used) : used.slice();
  }
}

/** Collects rows, first row per symbol (case-insensitive) wins. */
export class ListingsBuilder {
  readonly symbols: string[] = [];
  readonly names: string[] = [];
  readonly isins: string[] = [];
  readonly ciks: string[] = [];
  /** The data's alias field ("A;B"), "" when none. */
  readonly aliasFields: string[] = [];
  readonly exchanges: CodeColumn;
  readonly countries: CodeColumn;
  readonly currencies: CodeColumn;
  readonly bySymbol = new Map<string, number>();

  constructor(capacity = 1024) {
    this.exchanges = new CodeColumn(capacity);
    this.countries = new CodeColumn(capacity);
    this.currencies = new CodeColumn(capacity);
  }

  add(symbol: string, name: string, exchange: string, country: string, currency: string, isin: string, cik: string, aliasField: string): void {
    const upper = symbol.toUpperCase();
    if (this.bySymbol.has(upper)) return;
    const i = this.symbols.length;
    this.bySymbol.set(upper, i);
    this.symbols.push(symbol);
    this.names.push(name);
    this.isins.push(isin);
    this.ciks.push(cik);
    this.aliasFields.push(aliasField);
    this.exchanges.set(i, exchange);
    this.countries.set(i, country);
    this.currencies.set(i, currency);
  }

  addRow(row: SymbolRow): void {
    this.add(row.symbol, row.name, row.exchange, row.country, row.currency, row.isin ?? "", row.cik ?? "", row.aliases.join(";"));
  }

  build(): Listings {
    return Listings.build(this);
  }
}

export function splitAliases(field: string): string[] {
  return field === "" ? [] : field.split(";").map((a) => a.trim()).filter(Boolean);
}

const MAJOR_US = new Set(["NYSE", "NASDAQ"]);

/** The columns `Listings.build` derives from the rows. */
interface DerivedColumns {
  keys: string[];
  cluster: Int32Array;
  clusterMembers: MemberTable;
  group: Int32Array;
  groupMembers: MemberTable;
}

export class Listings {
  readonly count: number;
  readonly symbols: string[];
  readonly names: string[];
  readonly bySymbol: Map<string, number>;
  /** Joined distinctive name tokens per listing ("mercedes benz"); listings with equal keys share the string. */
  readonly keys: string[];
  /** Same company through the data's aliases. */
  readonly cluster: Int32Array;
  /** Same company through aliases or an equal name key. */
  readonly group: Int32Array;
  /** Lower is better when nothing else decides: home listing, major exchange, ordinary share. */
  readonly baseRank: Uint8Array;
  readonly clusterMembers: MemberTable;
  readonly groupMembers: MemberTable;
  readonly prominentClusters = new Set<number>();
  readonly prominentGroups = new Set<number>();
  readonly #isins: string[];
  readonly #ciks: string[];
  readonly #aliasFields: string[];
  readonly #exchanges: CodeColumn;
  readonly #countries: CodeColumn;
  readonly #currencies: CodeColumn;
  readonly #entries: Array<SymbolEntry | undefined>;

  /** Use `Listings.build`: the derived columns come from there. */
  constructor(b: ListingsBuilder, derived: DerivedColumns) {
    const n = b.symbols.length;
    this.count = n;
    this.symbols = b.symbols;
    this.names = b.names;
    this.bySymbol = b.bySymbol;
    this.#isins = b.isins;
    this.#ciks = b.ciks;
    this.#aliasFields = b.aliasFields;
    for (const c of [b.exchanges, b.countries, b.currencies]) c.seal(n);
    this.#exchanges = b.exchanges;
    this.#countries = b.countries;
    this.#currencies = b.currencies;
    this.#entries = Array.from<SymbolEntry | undefined>({ length: n });
    this.keys = derived.keys;
    this.cluster = derived.cluster;
    this.clusterMembers = derived.clusterMembers;
    this.group = derived.group;
    this.groupMembers = derived.groupMembers;
    this.baseRank = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) {
      if (PROMINENT_SYMBOLS.has(this.symbols[i] ?? "")) {
        this.prominentClusters.add(this.cluster[i] ?? i);
        this.prominentGroups.add(this.group[i] ?? i);
      }
    }
  }

  /** The listings of the builder's rows, with companies linked and ranks set. */
  static build(b: ListingsBuilder): Listings {
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

    const listings = new Listings(b, { keys, cluster, clusterMembers, group, groupMembers });
    for (let i = 0; i < n; i += 1) {
      listings.baseRank[i] = listings.#baseRankOf(i);
    }
    return listings;
  }

  symbol(i: number): string {
    return this.symbols[i] ?? "";
  }
  name(i: number): string {
    return this.names[i] ?? "";
  }
  exchange(i: number): string {
    return this.#exchanges.get(i);
  }
  country(i: number): string {
    return this.#countries.get(i);
  }
  currency(i: number): string {
    return this.#currencies.get(i);
  }
  isin(i: number): string | undefined {
    return this.#isins[i] || undefined;
  }

  /** The data's aliases plus every other listing of the company, sorted. */
  aliases(i: number): string[] {
    const self = this.symbol(i);
    const others = [...membersOf(this.clusterMembers, this.cluster[i] ?? i)].filter((j) => j !== i).map((j) => this.symbol(j));
    return [...new Set([...splitAliases(this.#aliasFields[i] ?? ""), ...others])].filter((a) => a && a !== self).toSorted();
  }

  entry(i: number): SymbolEntry | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const known = this.#entries[i];
    if (known) return known;
    const entry: SymbolEntry = {
      symbol: this.symbol(i),
      name: this.name(i),
      exchange: this.exchange(i),
      country: this.country(i),
      currency: this.currency(i),
      aliases: this.aliases(i),
    };
    const isin = this.#isins[i];
    const cik = this.#ciks[i];
    if (isin) entry.isin = isin;
    if (cik) entry.cik = cik;
    this.#entries[i] = entry;
    return entry;
  }

  /**
   * Home listing (ISIN country = venue country) first, then the main US exchanges, then other
   * exchanges, then secondary foreign lines, then OTC (sponsored-style "…Y" ADRs before "…F" lines).
   */
  #baseRankOf(i: number): number {
    const symbol = this.symbol(i);
    const exchange = this.exchange(i);
    const country = this.country(i);
    const isinCountry = this.isin(i)?.slice(0, 2).toUpperCase();
    let rank: number;
    if (exchange === "OTC") rank = symbol.endsWith("Y") || /ADR/i.test(this.name(i)) ? 40 : 50;
    else if (isinCountry && isinCountry === country) rank = 0;
    else if (MAJOR_US.has(exchange)) rank = 10;
    else if (isinCountry && isinCountry !== country && !["KY", "BM", "VG", "JE", "GG", "IM"].includes(isinCountry)) rank = 30;
    else if (exchange === "") rank = 35;
    else rank = 20;
    // Secondary German lines of foreign companies (AHLA.DE for Alibaba) come after the real venues.
    if (exchange === "XETRA" && isinCountry !== "DE" && isinCountry !== undefined) rank = Math.max(rank, 30);
    if (exchange === "XETRA" && isinCountry === undefined) {
      const aliases = this.aliases(i);
      if (aliases.length > 0 && !aliases.some((a) => a.endsWith(".DE"))) rank = Math.max(rank, 20);
    }
    // Warrants, units, rights and preferred lines of US registrants.
    if (MAJOR_US.has(exchange) && (/-P?[A-Z]$/.test(symbol) || /^[A-Z]{4}[WUR]$/.test(symbol) || /^[A-Z]{4}WS?$/.test(symbol))) rank += 5;
    return rank;
  }
}
