/**
 * The offline symbol directory: ~22,700 listings from assets/symbols, with a name index for
 * finding companies in German and English news text and a search for autocomplete.
 *
 * Memory: the listings live in columns (listings.ts) and the name keys in one map (matcher.ts).
 * Everything is built when the directory is loaded (~0.3 s): a bot loads it at start, so the
 * first autocomplete is as fast as any other; the CLI builds it on first use.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SymbolDirectory, SymbolEntry } from "../../core/ports.ts";
import { Listings } from "./listings.ts";
import { ListingsBuilder, type SymbolRow } from "./listings-builder.ts";
import { createNameMatcher } from "./matcher.ts";
import { createCompanyLookup } from "./company-rank.ts";
import { buildFuzzyIndex, buildPrefixIndex, createSearch, listingOrder } from "./search.ts";
import { addSymbolCsv } from "./symbol-csv.ts";

export type { SymbolRow } from "./listings-builder.ts";
export { parseSymbolCsv } from "./symbol-csv.ts";
export { nameKeyTokens } from "./names.ts";

const SHIPPED_DIR = resolve(import.meta.dirname, "../../../assets/symbols");
const DATA_FILES = ["symbols.csv", "adr-supplement.csv"];
/** Rows in the shipped data, to size the columns once. */
const EXPECTED_ROWS = 24_000;

const cache = new Map<string, SymbolDirectory>();

/**
 * The directory in a folder holding symbols.csv (+ adr-supplement.csv) or in one CSV file; by
 * default the project's shipped copy. Built once per path, with every index.
 */
export function loadSymbolDirectory(path?: string): SymbolDirectory {
  const target = resolve(path ?? SHIPPED_DIR);
  const cached = cache.get(target);
  if (cached) return cached;
  const builder = new ListingsBuilder(EXPECTED_ROWS);
  for (const file of dataFiles(target)) addSymbolCsv(builder, readFileSync(file, "utf8"));
  const directory = directoryOf(Listings.build(builder));
  cache.set(target, directory);
  return directory;
}

/**
 * The same directory, built when it is first asked something: a one-shot command (a CLI run that
 * fails at the fetch, an `extract`) then never pays the build. A missing folder is still reported now.
 */
export function loadSymbolDirectoryOnFirstUse(path?: string): SymbolDirectory {
  dataFiles(resolve(path ?? SHIPPED_DIR));
  let loaded: SymbolDirectory | undefined;
  const directory = (): SymbolDirectory => (loaded ??= loadSymbolDirectory(path));
  return {
    get size() {
      return directory().size;
    },
    get: (symbol) => directory().get(symbol),
    findInText: (text, options) => directory().findInText(text, options),
    search: (query, limit) => directory().search(query, limit),
    company: (name) => directory().company(name),
  };
}

function dataFiles(target: string): string[] {
  if (!existsSync(target)) throw new Error(`Symbol directory not found at ${target}: set the path to a folder with symbols.csv.`);
  const files = statSync(target).isDirectory() ? DATA_FILES.map((f) => join(target, f)).filter((f) => existsSync(f)) : [target];
  if (files.length === 0) throw new Error(`No symbols.csv in ${target}.`);
  return files;
}

/** A directory of the given rows (first row per symbol wins). */
export function createSymbolDirectory(rows: readonly SymbolRow[]): SymbolDirectory {
  const builder = new ListingsBuilder(rows.length);
  for (const row of rows) builder.addRow(row);
  return directoryOf(Listings.build(builder));
}

function directoryOf(listings: Listings): SymbolDirectory {
  const findInText = createNameMatcher(listings);
  const prefixes = buildPrefixIndex(listings);
  const search = createSearch(listings, { prefixes, fuzzy: buildFuzzyIndex(listings) });
  const company = createCompanyLookup(listings, prefixes, listingOrder(listings));
  return {
    size: listings.count,
    get(symbol: string): SymbolEntry | undefined {
      const i = listings.bySymbol.get(symbol.trim().toUpperCase());
      return i === undefined ? undefined : listings.entry(i);
    },
    findInText,
    search(query: string, limit = 10): SymbolEntry[] {
      return search(query, limit).map((i) => listings.entry(i)).filter((e): e is SymbolEntry => e !== undefined);
    },
    company(name: string): SymbolEntry[] {
      return company(name).map((i) => listings.entry(i)).filter((e): e is SymbolEntry => e !== undefined);
    },
  };
}
