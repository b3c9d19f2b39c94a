import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sqliteMigrations } from "../src/adapters/store/schema.ts";
import { migrateSqlite, openSqliteStore } from "../src/adapters/store/sqlite-store.ts";

// Behaviour shared with PostgreSQL is in store-contract.test.ts; this file keeps what is SQLite's own.

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "mb-store-"));
  dirs.push(dir);
  return join(dir, "nested", "store.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("SQLite store files", () => {
  const key = { source: "https://example.com/a", promptVersion: "brief@abc", model: "m", language: "en" };

  it("creates missing parent directories and keeps data in WAL mode across reopen", async () => {
    const path = tempDb();
    const first = openSqliteStore(path);
    expect(existsSync(path)).toBe(true);
    expect(first.db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    await first.incrementCounter("n", "p", 4);
    await first.close();
    await first.close(); // closing twice is harmless
    const second = openSqliteStore(path);
    expect(await second.getCounter("n", "p")).toBe(4);
    await second.close();
  });

  it("runs only the migrations a file has not seen yet", async () => {
    const path = tempDb();
    const store = openSqliteStore(path);
    const count = () => (store.db.prepare("SELECT COUNT(*) AS n FROM schema_migrations").get() as { n: number }).n;
    expect(count()).toBe(sqliteMigrations.length);
    migrateSqlite(store.db, [...sqliteMigrations, "CREATE TABLE extra (x INTEGER)"]);
    migrateSqlite(store.db, [...sqliteMigrations, "CREATE TABLE extra (x INTEGER)"]);
    expect(count()).toBe(sqliteMigrations.length + 1);
    expect(await store.getBrief(key)).toBeUndefined();
    await store.close();
  });

  it("rolls back a failing migration and records nothing for it", async () => {
    const store = openSqliteStore(":memory:");
    expect(() => migrateSqlite(store.db, [...sqliteMigrations, "CREATE TABLE half (x INTEGER); CREATE TABLE broken ("])).toThrow();
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").all();
    expect(tables).toEqual([]);
    expect(store.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get()).toEqual({ v: sqliteMigrations.length });
    await store.close();
  });
});
