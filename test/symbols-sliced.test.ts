import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  createSymbolDirectory,
  loadSymbolDirectory,
  loadSymbolDirectoryAsync,
  openSymbolDirectory,
  parseSymbolCsv,
} from "../src/adapters/symbols/directory.ts";
import type { SymbolDirectory } from "../src/core/ports.ts";
import { Part, runNow, runSliced, sortSteps, type Steps } from "../src/adapters/symbols/steps.ts";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";
import { SMALL_SYMBOLS_CSV } from "./fixtures/small-symbols.ts";

const dir = mkdtempSync(join(tmpdir(), "symbols-sliced-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CSV = SMALL_SYMBOLS_CSV;

/** Counts yields and hands out `n` values one step at a time. */
function* counting(n: number, log: string[]): Steps<number> {
  for (let i = 0; i < n; i += 1) {
    log.push(`step ${i}`);
    yield;
  }
  return n;
}

/** Steps that each take longer than a slice's budget, so every step ends a slice. */
function* slow(): Steps<string> {
  for (let i = 0; i < 3; i += 1) {
    const until = performance.now() + 10;
    while (performance.now() < until);
    yield;
  }
  return "done";
}

describe("sliced builds", () => {
  it("sortSteps sorts like Array#sort, with any comparator tie-break", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 3000 }), (values) => {
        const compare = (a: number, b: number) => (values[a] ?? 0) - (values[b] ?? 0) || a - b;
        const indices = Int32Array.from(values, (_, i) => i);
        expect([...runNow(sortSteps(indices, compare))]).toEqual([...indices].toSorted(compare));
      }),
      { numRuns: 60 },
    );
  });

  it("runSliced returns what runNow returns, letting the event loop run in between", async () => {
    let turns = 0;
    const timer = setInterval(() => (turns += 1), 0);
    try {
      expect(await runSliced(slow())).toBe(runNow(slow()));
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
  });

  it("Part builds once for concurrent loads and keeps a value built at once meanwhile", async () => {
    const log: string[] = [];
    let builds = 0;
    const part = new Part(() => {
      builds += 1;
      return counting(3, log);
    });
    const [a, b] = await Promise.all([part.load(), part.load()]);
    expect([a, b, builds, part.built]).toEqual([3, 3, 1, true]);
    expect(part.get()).toBe(3);
    expect(builds).toBe(1);

    const racing = new Part(() => {
      builds += 1;
      return counting(2, log);
    });
    const pending = racing.load();
    expect(racing.get()).toBe(2);
    expect(await pending).toBe(2);
  });

  it("Part tries a failed build again", async () => {
    let attempts = 0;
    const part = new Part(function* (): Steps<string> {
      attempts += 1;
      yield;
      if (attempts === 1) throw new Error("first attempt fails");
      return "ok";
    });
    await expect(part.load()).rejects.toThrow("first attempt fails");
    expect(part.built).toBe(false);
    expect(await part.load()).toBe("ok");
    expect(attempts).toBe(2);
  });
});

describe("loadSymbolDirectoryAsync", () => {
  it("answers exactly like a directory built at once", async () => {
    const file = join(dir, "same.csv");
    writeFileSync(file, CSV);
    const loaded = await loadSymbolDirectoryAsync(file, ["text", "search"]);
    const built = createSymbolDirectory(parseSymbolCsv(CSV));
    expect(loaded.size).toBe(built.size);
    for (const symbol of ["GADG", "gad.de", "WIDG", "ZETA.L", "ZETAF", "NOPE"]) expect(loaded.get(symbol)).toEqual(built.get(symbol));
    for (const query of ["gad", "zeta", "widget sp", "gadgetwork", "zetawrks"]) expect(loaded.search(query, 5)).toEqual(built.search(query, 5));
    const text = "Gadgetworks (NASDAQ: GADG) und Zetaworks legten zu, Widget, Sprocket & Co nicht.";
    for (const prefer of [undefined, ["EUR"], ["GBP"]]) {
      const options = prefer ? { preferCurrencies: prefer } : undefined;
      expect(loaded.findInText(text, options)).toEqual(built.findInText(text, options));
    }
  });

  it("is the one directory of its path, whichever way it is loaded", async () => {
    const file = join(dir, "one.csv");
    writeFileSync(file, CSV);
    const source = openSymbolDirectory(file);
    const [plain, searching] = await Promise.all([source.load(), source.load(["search"])]);
    expect(plain).toBe(source.directory);
    expect(searching).toBe(source.directory);
    expect(loadSymbolDirectory(file)).toBe(source.directory);
    expect(await loadSymbolDirectoryAsync(file, ["text"])).toBe(source.directory);
  });

  it("can be used at once while a sliced load is running", async () => {
    const file = join(dir, "meanwhile.csv");
    writeFileSync(file, CSV);
    const source = openSymbolDirectory(file);
    const loading = source.load(["text", "search"]);
    expect(source.directory.get("widg")?.name).toBe("Widget, Sprocket & Co");
    expect(source.directory.search("zeta", 1)[0]?.symbol).toBe("ZETA.L");
    const directory = await loading;
    expect(directory.get("ZETAF")?.aliases).toEqual(["ZETA.L"]);
  });

  it("reports a file that went missing, and loads once it is back", async () => {
    const file = join(dir, "flaky.csv");
    writeFileSync(file, CSV);
    const source = openSymbolDirectory(file);
    rmSync(file);
    await expect(source.load()).rejects.toThrow(/ENOENT/);
    writeFileSync(file, CSV);
    expect((await source.load()).size).toBe(5);
  });

  it("builds the shipped directory in slices, with the same answers as at once", async () => {
    // Another path to the same files: its own directory, built the other way.
    const shipped = resolve(PROJECT_ROOT, "assets/symbols");
    const linked = join(dir, "shipped");
    rmSync(linked, { recursive: true, force: true });
    symlinkSync(shipped, linked);
    let turns = 0;
    const timer = setInterval(() => (turns += 1), 0);
    let sliced: SymbolDirectory;
    try {
      sliced = await loadSymbolDirectoryAsync(linked, ["text", "search"]);
    } finally {
      clearInterval(timer);
    }
    // The load took many turns of the event loop, not one long stretch.
    expect(turns).toBeGreaterThan(3);
    const atOnce = loadSymbolDirectory(shipped);
    expect(sliced.size).toBe(atOnce.size);
    for (const symbol of ["BABA", "9988.hk", "SAP.DE", "XIACY", "MSFT"]) expect(sliced.get(symbol)).toEqual(atOnce.get(symbol));
    for (const query of ["alibab", "microsfot", "deutsche bank", "9988", "merc", "xiaomi"]) {
      expect(sliced.search(query, 25)).toEqual(atOnce.search(query, 25));
    }
    const text = "Alibaba (NYSE: BABA) und die SAP-Aktie legten zu; Xiaomi und Mercedes-Benz gaben nach.";
    expect(sliced.findInText(text, { preferCurrencies: ["EUR"] })).toEqual(atOnce.findInText(text, { preferCurrencies: ["EUR"] }));
  });
});

describe("app.loadSymbols", () => {
  it("loads the configured directory once, with the indexes asked for, for every caller", async () => {
    const file = join(dir, "app.csv");
    writeFileSync(file, CSV);
    const app = await createApp(loadConfig({ DATABASE_URL: `sqlite:${join(dir, "app.db")}`, SYMBOLS_PATH: file }), silentLogger);
    try {
      const [plain, searching] = await Promise.all([app.loadSymbols(), app.loadSymbols("search", "text")]);
      expect(plain).toBe(searching);
      expect(plain).toBe(loadSymbolDirectory(file));
      expect(searching.search("gadgetwork", 2).map((e) => e.symbol)).toEqual(["GADG", "GAD.DE"]);
    } finally {
      await app.close();
    }
  });
});
