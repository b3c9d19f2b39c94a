import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveFrom } from "../src/gradual-import.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";

const root = mkdtempSync(join(tmpdir(), "gradual-import-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const url = (path: string) => pathToFileURL(join(root, path)).href;
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const json = (value: unknown) => JSON.stringify(value);

// Each module notes its evaluation; a comment of 30 kB makes a module a step of its own.
const PADDING = `/*${"x".repeat(30_000)}*/\n`;
const noted = (name: string, body = "", padded = false) => `${body}\nglobalThis.events?.push("eval ${name}");\n${padded ? PADDING : ""}`;

write("app/entry.mjs", noted("entry", [
  'import { a } from "./a.mjs";',
  'export { b } from "./b.mjs";',
  'import "./side.mjs";',
  "import {",
  "  fromPkg,",
  '} from "pkg";',
  'import { sub } from "pkg/sub/thing";',
  'export * from "./star.mjs";',
  'import { typed } from "./typed.ts";',
  "// import \"./commented.mjs\";",
  'export const lazy = () => import("./lazy.mjs");',
  "export const entry = [a, fromPkg, sub, typed].join();",
].join("\n")));
write("app/a.mjs", noted("a", 'import { c } from "./c.mjs"; export const a = `a${c}`;', true));
write("app/b.mjs", noted("b", 'import { c } from "./c.mjs"; export const b = `b${c}`;', true));
write("app/c.mjs", noted("c", "export const c = 'c';", true));
write("app/side.mjs", noted("side", "", true));
write("app/star.mjs", noted("star", "export const star = 1;"));
write("app/lazy.mjs", noted("lazy", "export const lazy = 1;"));
write("app/commented.mjs", noted("commented"));
write("app/types-only.ts", "export interface Shape { x: number }\n");
write("app/typed.ts", noted("typed", 'import type { Shape } from "./types-only.ts";\nexport const typed: Shape["x"] = 1;'));
write(
  "app/node_modules/pkg/package.json",
  json({
    name: "pkg",
    exports: {
      ".": { types: "./index.d.ts", require: "./index.cjs", import: "./index.mjs" },
      "./sub/*": { import: "./lib/*.mjs", require: "./lib/*.cjs" },
      "./sub/special": "./lib/special-exact.mjs",
    },
  }),
);
write("app/node_modules/pkg/index.cjs", "module.exports = {};\n");
write("app/node_modules/pkg/index.mjs", noted("pkg", 'import { dep } from "dep"; export const fromPkg = dep;', true));
write("app/node_modules/pkg/lib/thing.mjs", noted("pkg/sub/thing", "export const sub = 's';"));
write("app/node_modules/pkg/lib/special-exact.mjs", "export {};\n");
// pkg has its own copy of dep; the app's copy must not be loaded for it.
write("app/node_modules/pkg/node_modules/dep/package.json", json({ name: "dep", type: "module", main: "main.js" }));
write("app/node_modules/pkg/node_modules/dep/main.js", noted("dep (pkg's)", "export const dep = 'nested';", true));
write("app/node_modules/dep/package.json", json({ name: "dep", type: "module", main: "main.js" }));
write("app/node_modules/dep/main.js", noted("dep (app's)", "export const dep = 'top';"));

const PROBE = `
import { registerHooks } from "node:module";
globalThis.events = [];
const root = ${json(pathToFileURL(root).href)};
const loads = [];
registerHooks({ load(url, context, next) {
  if (url.startsWith(root)) { loads.push(url); globalThis.events.push("load " + url.slice(root.length)); }
  return next(url, context);
} });
const { importGradually, staticGraph } = await import(${json(pathToFileURL(join(PROJECT_ROOT, "src/gradual-import.ts")).href)});
const [mode, entry] = process.argv.slice(2);
const graph = (await staticGraph(entry)).map((file) => file.url);
const namespace = mode === "plain" ? await import(entry) : await importGradually(entry);
const exports = Object.fromEntries(Object.entries(namespace).filter(([, v]) => typeof v !== "function"));
process.stdout.write(JSON.stringify({ graph, loads, events: globalThis.events, exports }));
`;

interface ProbeReport {
  graph: string[];
  loads: string[];
  events: string[];
  exports: Record<string, unknown>;
}

function probe(mode: "plain" | "gradual", entry: string): ProbeReport {
  const script = join(root, "probe.mjs");
  writeFileSync(script, PROBE);
  const run = spawnSync(process.execPath, [script, mode, entry], { encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH ?? "" } });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as ProbeReport;
}

const evaluations = (events: string[]) => events.filter((e) => e.startsWith("eval "));
const lastLoad = (events: string[]) => events.findLastIndex((e) => e.startsWith("load "));
const firstEval = (events: string[]) => events.findIndex((e) => e.startsWith("eval "));

describe("importGradually", () => {
  let plain: ProbeReport;
  let gradual: ProbeReport;
  beforeAll(() => {
    plain = probe("plain", url("app/entry.mjs"));
    gradual = probe("gradual", url("app/entry.mjs"));
  });

  it("loads and evaluates exactly what import() does, in the same order, with the same exports", () => {
    expect(gradual.exports).toEqual(plain.exports);
    expect(gradual.exports).toEqual({ b: "bc", entry: "ac,nested,s,1", star: 1 });
    expect(evaluations(gradual.events)).toEqual(evaluations(plain.events));
    expect(gradual.loads.toSorted()).toEqual(plain.loads.toSorted());
    expect(plain.loads).not.toContain(url("app/node_modules/dep/main.js"));
  });

  it("imports in steps: modules are evaluated before the rest of the graph is loaded", () => {
    // One import(): the whole graph loads before anything runs.
    expect(firstEval(plain.events)).toBeGreaterThan(lastLoad(plain.events));
    expect(firstEval(gradual.events)).toBeLessThan(lastLoad(gradual.events));
  });

  it("reads the graph from static imports only, as Node resolves them", () => {
    expect(plain.graph).toEqual([
      url("app/c.mjs"),
      url("app/a.mjs"),
      url("app/b.mjs"),
      url("app/side.mjs"),
      url("app/node_modules/pkg/node_modules/dep/main.js"),
      url("app/node_modules/pkg/index.mjs"),
      url("app/node_modules/pkg/lib/thing.mjs"),
      url("app/star.mjs"),
      url("app/typed.ts"),
      url("app/entry.mjs"),
    ]);
  });

  it("never reaches a module that import() of the real packages does not load", () => {
    for (const entry of ["src/adapters/extractor/index.ts", "src/adapters/llm/openai-engine.ts"]) {
      const report = probeProject(entry);
      expect(report.missing).toEqual([]);
      // Only CommonJS requires are not followed: nearly the whole graph is found.
      expect(report.graph).toBeGreaterThan(report.loaded * 0.8);
    }
  });
});

const PROJECT_PROBE = `
import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({ load(url, context, next) { loaded.add(url); return next(url, context); } });
const { staticGraph } = await import(${json(pathToFileURL(join(PROJECT_ROOT, "src/gradual-import.ts")).href)});
const entry = process.argv[2];
const before = new Set(loaded);
const graph = (await staticGraph(entry)).map((file) => file.url);
await import(entry);
const fresh = [...loaded].filter((u) => !before.has(u) && u.startsWith("file:"));
process.stdout.write(JSON.stringify({ graph: graph.length, loaded: fresh.length, missing: graph.filter((u) => !loaded.has(u)) }));
`;

function probeProject(entry: string): { graph: number; loaded: number; missing: string[] } {
  const script = join(root, "project-probe.mjs");
  writeFileSync(script, PROJECT_PROBE);
  const run = spawnSync(process.execPath, [script, pathToFileURL(join(PROJECT_ROOT, entry)).href], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? "" },
  });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as { graph: number; loaded: number; missing: string[] };
}

describe("resolveFrom", () => {
  const from = url("app/entry.mjs");

  it("resolves relative files and leaves builtins and URLs to Node", () => {
    expect(resolveFrom("./a.mjs", from)).toBe(url("app/a.mjs"));
    expect(resolveFrom("./missing.mjs", from)).toBeUndefined();
    expect(resolveFrom("node:fs", from)).toBeUndefined();
    expect(resolveFrom("fs", from)).toBeUndefined();
    expect(resolveFrom("https://example.com/x.mjs", from)).toBeUndefined();
  });

  it("takes the import condition of exports, in the package's order, and exact subpaths over patterns", () => {
    expect(resolveFrom("pkg", from)).toBe(url("app/node_modules/pkg/index.mjs"));
    expect(resolveFrom("pkg/sub/thing", from)).toBe(url("app/node_modules/pkg/lib/thing.mjs"));
    expect(resolveFrom("pkg/sub/special", from)).toBe(url("app/node_modules/pkg/lib/special-exact.mjs"));
    expect(resolveFrom("pkg/index.mjs", from)).toBeUndefined();
    expect(resolveFrom("pkg/sub/absent", from)).toBeUndefined();
  });

  it("finds a package the way its importer does (nearest node_modules), with main when there are no exports", () => {
    expect(resolveFrom("dep", url("app/node_modules/pkg/index.mjs"))).toBe(url("app/node_modules/pkg/node_modules/dep/main.js"));
    expect(resolveFrom("dep", from)).toBe(url("app/node_modules/dep/main.js"));
    expect(resolveFrom("no-such-package", from)).toBeUndefined();
  });
});
