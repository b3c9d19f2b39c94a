/** Collecting directory rows into the columns `Listings` is built from. */
import type { SymbolEntry } from "../../core/ports.ts";
import { CodeColumn } from "./code-column.ts";
import { Listings } from "./listings.ts";

/** A directory row: the listing as the rest of the app sees it, plus where the data came from. */
export interface SymbolRow extends SymbolEntry {
  source?: string;
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
