/**
 * The offline symbol directory: ~22,700 listings from assets/symbols, with a name index for
 * finding companies in German and English news text and a search for autocomplete.
 *
 * Memory: the listings live in columns (listings.ts), the name keys in one map (matcher.ts), and
 * each part is built on first use, so a process that never looks a symbol up never pays for
 * them: the listings on the first lookup, the name matcher on the first findInText, the search
 * indexes on the first search.
 *
 * Time: building everything takes ~0.3 s. A process that must stay responsive (the bot) awaits
 * `load()` first, which builds the parts in slices with the event loop free in between; the
 * directory then answers synchronously. Used without `load()`, it builds what it needs at once.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SymbolDirectory, SymbolEntry } from "../../core/ports.ts";
import { addSymbolCsvSteps, Listings, ListingsBuilder, type SymbolRow } from "./listings.ts";
import { nameMatcherSteps } from "./matcher.ts";
import { createSearch, fuzzyIndexSteps, prefixIndexSteps } from "./search.ts";
import { Part } from "./steps.ts";

export { parseSymbolCsv, type SymbolRow } from "./listings.ts";
export { foldText, nameKeyTokens } from "./names.ts";

const SHIPPED_DIR = resolve(import.meta.dirname, "../../../assets/symbols");
const DATA_FILES = ["symbols.csv", "adr-supplement.csv"];
/** Rows in the shipped data, to size the columns once. */
const EXPECTED_ROWS = 24_000;

/** What a caller is about to use besides lookups by symbol: finding names in text, or search. */
export type SymbolUse = "text" | "search";

/** A symbol directory whose parts are built on first use, at once or (`load`) in slices. */
export interface SymbolDirectorySource {
  /** Answers at once, building whatever it needs and is not built yet. */
  readonly directory: SymbolDirectory;
  /**
   * Builds the listings and the indexes of `uses` in slices between which the event loop runs
   * (one shared build per part), then resolves to `directory`, which answers those without building.
   */
  load(uses?: readonly SymbolUse[]): Promise<SymbolDirectory>;
}

const cache = new Map<string, SymbolDirectorySource>();

/**
 * The directory in a folder holding symbols.csv (+ adr-supplement.csv) or in one CSV file; by
 * default the project's shipped copy. The files are checked now and read on first use; one
 * directory per path.
 */
export function openSymbolDirectory(path?: string): SymbolDirectorySource {
  const target = resolve(path ?? SHIPPED_DIR);
  const cached = cache.get(target);
  if (cached) return cached;
  const files = dataFiles(target);
  const source = sourceOf(
    new Part(function* () {
      const builder = new ListingsBuilder(EXPECTED_ROWS);
      for (const file of files) yield* addSymbolCsvSteps(builder, readFileSync(file, "utf8"));
      return yield* Listings.build(builder);
    }),
  );
  cache.set(target, source);
  return source;
}

/** `openSymbolDirectory(path).directory`: builds its parts at once on first use. */
export function loadSymbolDirectory(path?: string): SymbolDirectory {
  return openSymbolDirectory(path).directory;
}

/** `openSymbolDirectory(path).load(uses)`: builds the parts in slices, leaving the event loop free in between. */
export function loadSymbolDirectoryAsync(path?: string, uses?: readonly SymbolUse[]): Promise<SymbolDirectory> {
  return openSymbolDirectory(path).load(uses);
}

function dataFiles(target: string): string[] {
  if (!existsSync(target)) throw new Error(`Symbol directory not found at ${target}: set the path to a folder with symbols.csv.`);
  const files = statSync(target).isDirectory() ? DATA_FILES.map((f) => join(target, f)).filter((f) => existsSync(f)) : [target];
  if (files.length === 0) throw new Error(`No symbols.csv in ${target}.`);
  return files;
}

/** A directory of the given rows (first row per symbol wins), its listings built now. */
export function createSymbolDirectory(rows: readonly SymbolRow[]): SymbolDirectory {
  const builder = new ListingsBuilder(rows.length);
  for (const row of rows) builder.addRow(row);
  const listings = new Part(() => Listings.build(builder));
  listings.get();
  return sourceOf(listings).directory;
}

function sourceOf(listings: Part<Listings>): SymbolDirectorySource {
  const matcher = new Part(() => nameMatcherSteps(listings.get()));
  const prefixes = new Part(() => prefixIndexSteps(listings.get()));
  const fuzzy = new Part(() => fuzzyIndexSteps(listings.get()));
  let search: ReturnType<typeof createSearch> | undefined;
  const directory: SymbolDirectory = {
    get size() {
      return listings.get().count;
    },
    get(symbol: string): SymbolEntry | undefined {
      const all = listings.get();
      const i = all.bySymbol.get(symbol.trim().toUpperCase());
      return i === undefined ? undefined : all.entry(i);
    },
    findInText: (text, options) => matcher.get()(text, options),
    search(query: string, limit = 10): SymbolEntry[] {
      const all = listings.get();
      search ??= createSearch(all, { prefixes: () => prefixes.get(), fuzzy: () => fuzzy.get() });
      return search(query, limit).map((i) => all.entry(i)).filter((e): e is SymbolEntry => e !== undefined);
    },
  };
  return {
    directory,
    async load(uses = []) {
      await listings.load();
      if (uses.includes("text")) await matcher.load();
      if (uses.includes("search")) {
        await prefixes.load();
        await fuzzy.load();
      }
      return directory;
    },
  };
}
