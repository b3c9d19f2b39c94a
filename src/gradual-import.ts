/**
 * `import()` of a large module graph, a few modules at a time with the event loop free in between.
 *
 * Node loads, compiles and evaluates a whole static import graph in one synchronous stretch:
 * linkedom's 240 modules or the OpenAI SDK's 240 hold the thread for 0.1–0.2 s each, and every
 * interaction arriving meanwhile waits. Here the graph is read first (the static import and
 * export-from statements of each file, resolved as Node resolves them), then imported in groups
 * of a few kilobytes of source, dependencies first, in Node's own evaluation order. Whatever the
 * reading misses (CommonJS requires) still loads, in a larger step, and the last step is the
 * plain `import(specifier)`, so the result is exactly what it would be. What this cannot split is
 * one large module (franc's trigram data) or what a module triggers in Node itself (the OpenAI
 * SDK touching `Response` loads Node's built-in fetch, ~50 ms).
 */
import { existsSync, readFileSync } from "node:fs";
import { findPackageJSON, isBuiltin } from "node:module";
import { setImmediate as nextTurn } from "node:timers/promises";
import { pathToFileURL } from "node:url";

/** Longest stretch spent importing before the event loop runs again. */
const BUDGET_MS = 8;
/**
 * Source imported per `import()` call (a few milliseconds of compiling): the modules in between
 * load with the next import that needs them. TypeScript counts more (type stripping).
 */
const CHUNK_BYTES = 24_000;
const TYPESCRIPT_WEIGHT = 4;

// Static imports and re-exports at the start of a statement; `import type` is erased, so not followed.
const STATIC_IMPORT = /(?:^|;)[ \t]*(?:import|export)(?![ \t]+type[ \t{*])\b[^'"`;()]*?\bfrom[ \t]*(["'])([^"'\n]+)\1|(?:^|;)[ \t]*import[ \t]*(["'])([^"'\n]+)\3/gm;

interface ModuleFile {
  url: string;
  /** Source length, TypeScript weighted. */
  weight: number;
  dependencies: string[];
}

/**
 * `import(specifier)` (bare, or a file URL), after importing the modules of its static graph
 * in small groups, leaves first.
 */
export async function importGradually<T = unknown>(specifier: string): Promise<T> {
  const entry = import.meta.resolve(specifier);
  const slices = new Slices();
  let group: string[] = [];
  let weight = 0;
  for (const file of await staticGraph(entry, slices)) {
    if (file.url === entry) break;
    group.push(file.url);
    weight += file.weight;
    if (weight < CHUNK_BYTES) continue;
    await importAll(group);
    group = [];
    weight = 0;
    await slices.pause();
  }
  return (await import(specifier)) as T;
}

/** Lets the event loop run once a slice has used its budget. */
class Slices {
  #start = performance.now();
  async pause(): Promise<void> {
    if (performance.now() - this.#start < BUDGET_MS) return;
    await nextTurn();
    this.#start = performance.now();
  }
}

/** Imports the modules in order with one `import()`: a module of import statements. */
async function importAll(urls: readonly string[]): Promise<void> {
  if (urls.length === 1) await import(urls[0] ?? "");
  else await import(`data:text/javascript,${encodeURIComponent(urls.map((url) => `import ${JSON.stringify(url)};`).join(""))}`);
}

/** The file modules reachable from `entry` through static imports, in evaluation order (dependencies first). */
export async function staticGraph(entry: string, slices = new Slices()): Promise<ModuleFile[]> {
  try {
    return await modulesInOrder(entry, slices);
  } finally {
    manifests.clear();
  }
}

async function modulesInOrder(entry: string, slices: Slices): Promise<ModuleFile[]> {
  const order: ModuleFile[] = [];
  const seen = new Set<string>([entry]);
  // Depth-first, a module after its dependencies, in the order it imports them.
  const stack: Array<{ file: ModuleFile; next: number }> = [{ file: readModule(entry), next: 0 }];
  while (stack.length > 0) {
    const top = stack.at(-1);
    if (top === undefined) break;
    const dependency = top.file.dependencies[top.next];
    top.next += 1;
    if (dependency === undefined) {
      order.push(top.file);
      stack.pop();
    } else if (!seen.has(dependency)) {
      seen.add(dependency);
      stack.push({ file: readModule(dependency), next: 0 });
      await slices.pause();
    }
  }
  return order;
}

function readModule(url: string): ModuleFile {
  const file: ModuleFile = { url, weight: 0, dependencies: [] };
  if (!url.startsWith("file:") || !/\.(?:m?js|ts|mts)$/.test(url)) return file;
  let source: string;
  try {
    source = readFileSync(new URL(url), "utf8");
  } catch {
    return file;
  }
  file.weight = source.length * (/\.m?ts$/.test(url) ? TYPESCRIPT_WEIGHT : 1);
  for (const m of source.matchAll(STATIC_IMPORT)) {
    const resolved = resolveFrom(m[2] ?? m[4] ?? "", url);
    if (resolved !== undefined && !file.dependencies.includes(resolved)) file.dependencies.push(resolved);
  }
  return file;
}

/** Where `specifier` imported from `parent` leads, as Node resolves it for `import`; undefined when unsure. */
export function resolveFrom(specifier: string, parent: string): string | undefined {
  if (specifier === "" || isBuiltin(specifier) || specifier.startsWith("node:")) return undefined;
  if (specifier.startsWith("./") || specifier.startsWith("../")) return existing(new URL(specifier, parent));
  if (specifier.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const name = specifier.startsWith("@") ? specifier.split("/", 2).join("/") : (specifier.split("/", 1)[0] ?? "");
  const subpath = `.${specifier.slice(name.length)}`;
  let manifest: string | undefined;
  try {
    manifest = findPackageJSON(name, parent);
  } catch {
    return undefined;
  }
  if (manifest === undefined) return undefined;
  const root = pathToFileURL(manifest);
  const pkg = readManifest(manifest);
  if (pkg === undefined) return undefined;
  if (pkg.exports === undefined) {
    if (subpath !== ".") return existing(new URL(subpath, root));
    return existing(new URL(typeof pkg.main === "string" ? pkg.main : "index.js", root));
  }
  const target = exportTarget(pkg.exports, subpath);
  return target === undefined ? undefined : existing(new URL(target, root));
}

/** The target of `subpath` in a package's "exports", as Node matches subpaths and "*" patterns. */
function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap = typeof exports === "object" && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith("."));
  if (!isSubpathMap) return subpath === "." ? conditionalTarget(exports) : undefined;
  const map = exports as Record<string, unknown>;
  if (!subpath.includes("*") && subpath in map) return conditionalTarget(map[subpath]);
  // The pattern with the longest part before "*" wins, then the longest pattern.
  let best: { key: string; match: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf("*");
    if (star < 0 || key.indexOf("*", star + 1) >= 0) continue;
    const base = key.slice(0, star);
    const trailer = key.slice(star + 1);
    if (!subpath.startsWith(base) || subpath === base || subpath.length < key.length || !subpath.endsWith(trailer)) continue;
    if (best === undefined || base.length > best.key.indexOf("*") || (base.length === best.key.indexOf("*") && key.length > best.key.length)) {
      best = { key, match: subpath.slice(base.length, subpath.length - trailer.length) };
    }
  }
  if (best === undefined) return undefined;
  const match = best.match;
  return conditionalTarget(map[best.key])?.replaceAll("*", match);
}

// The conditions Node matches for `import` (in the order the package lists them).
const CONDITIONS = new Set(["node", "import", "module-sync", "default"]);

function conditionalTarget(value: unknown): string | undefined {
  if (typeof value === "string") return value.startsWith("./") ? value : undefined;
  if (Array.isArray(value)) return value.length > 0 ? conditionalTarget(value[0]) : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [condition, target] of Object.entries(value)) {
    const resolved = CONDITIONS.has(condition) ? conditionalTarget(target) : undefined;
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

function existing(url: URL): string | undefined {
  return existsSync(url) ? url.href : undefined;
}

interface Manifest {
  exports?: unknown;
  main?: unknown;
}

/** package.json files read while a graph is read; dropped afterwards. */
const manifests = new Map<string, Manifest | undefined>();

function readManifest(path: string): Manifest | undefined {
  if (!manifests.has(path)) {
    try {
      manifests.set(path, JSON.parse(readFileSync(path, "utf8")) as Manifest);
    } catch {
      manifests.set(path, undefined);
    }
  }
  return manifests.get(path);
}
