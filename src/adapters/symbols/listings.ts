/**
 * The directory's listings in column form: one slot per listing in a few arrays instead of an
 * object (with an alias array) per row, small value sets (exchange, country, currency) as byte
 * codes, member lists as offset tables. Entries are built on demand and kept once built.
 */
import type { SymbolEntry } from "../../core/ports.ts";
import { splitAliases } from "./alias-field.ts";
import type { CodeColumn } from "./code-column.ts";
import { linkCompanies, type DerivedColumns } from "./company-links.ts";
import { baseRankOf } from "./listing-base-rank.ts";
import type { ListingsBuilder } from "./listings-builder.ts";
import { membersOf, type MemberTable } from "./member-table.ts";
import { PROMINENT_SYMBOLS } from "./prominent.ts";

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
    const listings = new Listings(b, linkCompanies(b));
    for (let i = 0; i < listings.count; i += 1) {
      listings.baseRank[i] = baseRankOf(listings, i);
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
}
