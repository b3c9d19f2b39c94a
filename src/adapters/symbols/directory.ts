/**
 * The offline symbol directory: ~22,700 listings from assets/symbols, with a name index for
 * finding companies in German and English news text and a search for autocomplete.
 *
 * Memory: the listings live in columns (listings.ts), the name keys in one map (matcher.ts), the
 * search indexes are built on the first search (search.ts), and a directory loaded from files
 * reads them only on first use, so a process that never looks a symbol up never pays for them.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SymbolDirectory, SymbolEntry } from "../../core/ports.ts";
import { addSymbolCsv, ListingsBuilder, type Listings, type SymbolRow } from "./listings.ts";
import { createNameMatcher, type FindInText } from "./matcher.ts";
import { createSearch, type Search } from "./search.ts";

export { parseSymbolCsv, type SymbolRow } from "./listings.ts";
export { foldText, nameKeyTokens } from "./names.ts";

const SHIPPED_DIR = resolve(import.meta.dirname, "../../../assets/symbols");
const DATA_FILES = ["symbols.csv", "adr-supplement.csv"];
/** Rows in the shipped data, to size the columns once. */
const EXPECTED_ROWS = 24_000;

const cache = new Map<string, SymbolDirectory>();

/**
 * The directory in a folder holding symbols.csv (+ adr-supplement.csv) or in one CSV file; by
 * default the project's shipped copy. The files are checked now and read on first use; one
 * directory per path.
 */
export function loadSymbolDirectory(path?: string): SymbolDirectory {
  const target = resolve(path ?? SHIPPED_DIR);
  const cached = cache.get(target);
  if (cached) return cached;
  const files = dataFiles(target);
  const directory = lazyDirectory(() => {
    const builder = new ListingsBuilder(EXPECTED_ROWS);
    for (const file of files) addSymbolCsv(builder, readFileSync(file, "utf8"));
    return directoryOf(builder.build());
  });
  cache.set(target, directory);
  return directory;
}

function dataFiles(target: string): string[] {
  if (!existsSync(target)) throw new Error(`Symbol directory not found at ${target}: set the path to a folder with symbols.csv.`);
  const files = statSync(target).isDirectory() ? DATA_FILES.map((f) => join(target, f)).filter((f) => existsSync(f)) : [target];
  if (files.length === 0) throw new Error(`No symbols.csv in ${target}.`);
  return files;
}

/** A directory of the given rows (first row per symbol wins), built now. */
export function createSymbolDirectory(rows: readonly SymbolRow[]): SymbolDirectory {
  const builder = new ListingsBuilder(rows.length);
  for (const row of rows) builder.addRow(row);
  return directoryOf(builder.build());
}

/** The name matcher is built on the first findInText, the search indexes on the first search. */
function directoryOf(listings: Listings): SymbolDirectory {
  let findInText: FindInText | undefined;
  const search: Search = createSearch(listings);
  return {
    size: listings.count,
    get(symbol: string): SymbolEntry | undefined {
      const i = listings.bySymbol.get(symbol.trim().toUpperCase());
      return i === undefined ? undefined : listings.entry(i);
    },
    findInText(text, options) {
      findInText ??= createNameMatcher(listings);
      return findInText(text, options);
    },
    search(query: string, limit = 10): SymbolEntry[] {
      return search(query, limit).map((i) => listings.entry(i)).filter((e): e is SymbolEntry => e !== undefined);
    },
  };
}

/** A directory that is built by `load` on its first use. */
function lazyDirectory(load: () => SymbolDirectory): SymbolDirectory {
  let loaded: SymbolDirectory | undefined;
  const directory = () => (loaded ??= load());
  return {
    get size() {
      return directory().size;
    },
    get: (symbol) => directory().get(symbol),
    findInText: (text, options) => directory().findInText(text, options),
    search: (query, limit) => directory().search(query, limit),
  };
}
