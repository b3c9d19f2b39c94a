import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/adapters/store/open-store.ts";
import { postgresMigrations } from "../src/adapters/store/schema.ts";
import { migratePostgres, openPostgresStore, type PostgresStore } from "../src/adapters/store/postgres-store.ts";
import { sqliteMigrations } from "../src/adapters/store/schema.ts";
import { openSqliteStore, type SqliteStore } from "../src/adapters/store/sqlite-store.ts";
import type { BriefResult } from "../src/core/brief.ts";
import { deliveryNonce } from "../src/core/delivery-nonce.ts";
import type { Store } from "../src/core/store.ts";
import { POSTGRES_MISSING, postgresForTests, startPostgres, type PostgresServer } from "./support/postgres-server.ts";
import { PROJECT_ROOT, runCli } from "./support/run-cli.ts";

const result: BriefResult = {
  source: { url: "https://example.com/a", title: "A", language: "de" },
  brief: {
    headline: "H",
    keyPoints: [
      { text: "one", evidence: "e1" },
      { text: "two", evidence: "e2" },
      { text: "three", evidence: "e3" },
    ],
    tickers: [{ symbol: "BABA", name: "Alibaba", sentiment: "bullish", moves: [{ price: 130.7, currency: "HKD", changePct: 3.48 }] }],
    whyItMatters: "W",
  },
  language: "en",
  engine: "llm",
  model: "m",
  cached: false,
  warnings: [],
};

/** One engine under test: each `newDatabase()` is empty; its opener returns a new handle (connection, pool) on it. */
interface Engine {
  name: "sqlite" | "postgres";
  skipReason?: string;
  newDatabase(): Promise<() => Promise<Store>>;
  migrationVersions(store: Store): Promise<number[]>;
  migrationCount: number;
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sqlite: Engine = {
  name: "sqlite",
  async newDatabase() {
    const dir = mkdtempSync(join(tmpdir(), "mb-store-"));
    tempDirs.push(dir);
    const path = join(dir, "store.db");
    return async () => openSqliteStore(path);
  },
  async migrationVersions(store) {
    const rows = (store as SqliteStore).db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as Array<{ version: number }>;
    return rows.map((r) => r.version);
  },
  migrationCount: sqliteMigrations.length,
};

const binaries = postgresForTests();
/** One throwaway server for the whole file; every test that needs PostgreSQL gets its own database on it. */
let server: PostgresServer | undefined;
beforeAll(async () => {
  if (binaries) server = await startPostgres({ binaries, database: "store_contract" });
}, 30_000);
afterAll(async () => {
  await server?.close();
}, 30_000);
const pgServer = (): PostgresServer => {
  if (!server) throw new Error("the PostgreSQL server was not started");
  return server;
};

const postgres: Engine = {
  name: "postgres",
  ...(binaries ? {} : { skipReason: POSTGRES_MISSING }),
  async newDatabase() {
    const url = await pgServer().createDatabase();
    return async () => openPostgresStore(url);
  },
  async migrationVersions(store) {
    const { rows } = await (store as PostgresStore).pool.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
    return rows.map((r) => r.version);
  },
  migrationCount: postgresMigrations.length,
};

describe.each([sqlite, postgres])("$name store (shared contract)", (engine) => {
  const test = engine.skipReason === undefined ? it : it.skip;
  const open: Store[] = [];
  /** A store on a fresh, empty database; closed after the file. */
  const fresh = async (): Promise<Store> => {
    const store = await (await engine.newDatabase())();
    open.push(store);
    return store;
  };
  afterAll(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  const key = { source: "https://example.com/a", promptVersion: "brief@abc", model: "m", language: "en" };

  test("round-trips a brief under its full key and misses on any other key part", async () => {
    const store = await fresh();
    expect(store.kind).toBe(engine.name);
    expect(await store.getBrief(key)).toBeUndefined();
    await store.putBrief(key, result);
    const cached = await store.getBrief(key);
    expect(cached?.result).toEqual(result);
    expect(Number.isNaN(Date.parse(cached?.createdAt ?? ""))).toBe(false);
    expect(await store.getBrief({ ...key, language: "de" })).toBeUndefined();
    expect(await store.getBrief({ ...key, model: "other" })).toBeUndefined();
    expect(await store.getBrief({ ...key, promptVersion: "brief@def" })).toBeUndefined();
    expect(await store.getBrief({ ...key, source: "sha256:00" })).toBeUndefined();
  });

  test("replaces a cached brief under the same key", async () => {
    const store = await fresh();
    await store.putBrief(key, result);
    await store.putBrief(key, { ...result, brief: { ...result.brief, headline: "H2" } });
    expect((await store.getBrief(key))?.result.brief.headline).toBe("H2");
  });

  test("keeps data across reopen and runs each migration once", async () => {
    const reopen = await engine.newDatabase();
    const first = await reopen();
    await first.putBrief(key, result);
    await first.close();
    const second = await reopen();
    open.push(second);
    expect((await second.getBrief(key))?.result.brief.headline).toBe("H");
    expect(await engine.migrationVersions(second)).toEqual(Array.from({ length: engine.migrationCount }, (_, i) => i + 1));
  });

  test("counts per name and period, returning the new total", async () => {
    const store = await fresh();
    expect(await store.incrementCounter("guild:1", "2026-11-21")).toBe(1);
    expect(await store.incrementCounter("guild:1", "2026-11-21", 2)).toBe(3);
    expect(await store.getCounter("guild:1", "2026-11-21")).toBe(3);
    expect(await store.getCounter("guild:1", "2026-11-22")).toBe(0);
    expect(await store.getCounter("guild:2", "2026-11-21")).toBe(0);
  });

  test("concurrent increments from two handles lose no update", async () => {
    const opener = await engine.newDatabase();
    const [a, b] = [await opener(), await opener()];
    open.push(a, b);
    const totals = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).incrementCounter("n", "p")));
    expect(totals.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await a.getCounter("n", "p")).toBe(20);
  });

  test("adds watches up to the limit and lists them in insertion order", async () => {
    const store = await fresh();
    expect(await store.addWatch("c1", "g1", "BABA", 2)).toBe("added");
    expect(await store.addWatch("c1", "g1", "BABA", 2)).toBe("exists");
    expect(await store.addWatch("c1", "g1", "9988.HK", 2)).toBe("added");
    expect(await store.addWatch("c1", "g1", "AAPL", 2)).toBe("limit");
    expect(await store.addWatch("c2", "g1", "AAPL", 2)).toBe("added");
    expect(await store.listWatches("c1")).toEqual(["BABA", "9988.HK"]);
    expect(await store.removeWatch("c1", "BABA")).toBe(true);
    expect(await store.removeWatch("c1", "BABA")).toBe(false);
    expect(await store.listWatches("c1")).toEqual(["9988.HK"]);
    expect(await store.addWatch("c1", "g1", "AAPL", 2)).toBe("added");
    expect(await store.listWatches("c1")).toEqual(["9988.HK", "AAPL"]);
  });

  test("a refused watch creates no channel; an added one does, without a schedule", async () => {
    const store = await fresh();
    expect(await store.addWatch("c1", "g1", "BABA", 0)).toBe("limit");
    expect(await store.getChannel("c1")).toBeUndefined();
    expect(await store.addWatch("c1", "g1", "BABA", 1)).toBe("added");
    expect(await store.getChannel("c1")).toEqual({ channelId: "c1", guildId: "g1" });
    expect(await store.listScheduledChannels()).toEqual([]);
  });

  test("lists a guild's channels with watches or a schedule, paused or not, with their symbols", async () => {
    const store = await fresh();
    expect(await store.listGuildChannels("g1")).toEqual([]);
    await store.addWatch("c2", "g1", "BABA", 5);
    await store.addWatch("c2", "g1", "9988.HK", 5);
    await store.setSchedule("c1", "g1", { time: "07:30", timeZone: "Europe/Berlin", weekdaysOnly: true });
    await store.addWatch("c3", "g1", "AAPL", 5);
    await store.pauseChannel("c3", "Missing Access");
    await store.addWatch("other", "g2", "SAP", 5);
    // Known to the store, but with neither: a language kept after /digest off, a removed watch.
    await store.setDigestLanguage("c4", "g1", "de");
    await store.addWatch("c5", "g1", "MSFT", 5);
    await store.removeWatch("c5", "MSFT");

    const channels = await store.listGuildChannels("g1");
    expect(channels.map((c) => c.channelId)).toEqual(["c1", "c2", "c3"]);
    expect(channels[0]).toEqual({
      channelId: "c1",
      guildId: "g1",
      schedule: { time: "07:30", timeZone: "Europe/Berlin", weekdaysOnly: true },
      symbols: [],
    });
    expect(channels[1]).toEqual({ channelId: "c2", guildId: "g1", symbols: ["BABA", "9988.HK"] });
    expect(channels[2]).toMatchObject({ channelId: "c3", pausedReason: "Missing Access", symbols: ["AAPL"] });
    expect((await store.listGuildChannels("g2")).map((c) => c.channelId)).toEqual(["other"]);
  });

  test("concurrent adds to one channel from two handles never exceed the limit", async () => {
    const opener = await engine.newDatabase();
    const [a, b] = [await opener(), await opener()];
    open.push(a, b);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).addWatch("c", "g", `S${i}`, 5)));
    expect(outcomes.filter((o) => o === "added")).toHaveLength(5);
    expect(outcomes.filter((o) => o === "limit")).toHaveLength(7);
    expect(await a.listWatches("c")).toHaveLength(5);
  });

  test("keeps a channel's digest language through schedule changes and lists it with the schedule", async () => {
    const store = await fresh();
    expect((await store.getChannel("lang"))?.language).toBeUndefined();
    await store.setDigestLanguage("lang", "g1", "de");
    await store.setSchedule("lang", "g1", { time: "07:30", timeZone: "Europe/Berlin", weekdaysOnly: true });
    expect((await store.getChannel("lang"))?.language).toBe("de");
    expect((await store.listScheduledChannels()).find((c) => c.channelId === "lang")?.language).toBe("de");
    await store.setSchedule("lang", "g1", undefined);
    await store.setDigestLanguage("lang", "g1", "fr");
    expect(await store.getChannel("lang")).toMatchObject({ language: "fr" });
    expect((await store.getChannel("lang"))?.schedule).toBeUndefined();
  });

  test("lists scheduled channels that are not paused, with their symbols, in a stable order", async () => {
    const store = await fresh();
    await store.addWatch("c1", "g1", "SAP.DE", 25);
    await store.addWatch("c1", "g1", "BABA", 25);
    await store.setSchedule("c1", "g1", { time: "07:30", timeZone: "Europe/Berlin", weekdaysOnly: true });
    await store.setSchedule("c2", "g1", { time: "08:00", timeZone: "UTC", weekdaysOnly: false });
    await store.setSchedule("C0", "g1", { time: "09:00", timeZone: "UTC", weekdaysOnly: true });
    let scheduled = await store.listScheduledChannels();
    // Byte order: upper case before lower case, in both engines.
    expect(scheduled.map((c) => [c.channelId, c.symbols])).toEqual([["C0", []], ["c1", ["SAP.DE", "BABA"]], ["c2", []]]);
    expect(scheduled[1]).toEqual({
      channelId: "c1",
      guildId: "g1",
      schedule: { time: "07:30", timeZone: "Europe/Berlin", weekdaysOnly: true },
      symbols: ["SAP.DE", "BABA"],
    });
    expect(scheduled[2]?.schedule.weekdaysOnly).toBe(false);
    await store.pauseChannel("c1", "Missing Permissions (50013)");
    scheduled = await store.listScheduledChannels();
    expect(scheduled.map((c) => c.channelId)).toEqual(["C0", "c2"]);
    const paused = await store.getChannel("c1");
    expect(paused?.pausedReason).toMatch(/50013/);
    expect(Number.isNaN(Date.parse(paused?.pausedAt ?? ""))).toBe(false);
    await store.resumeChannel("c1");
    const resumed = await store.getChannel("c1");
    expect(resumed).not.toHaveProperty("pausedReason");
    expect(resumed).not.toHaveProperty("pausedAt");
    await store.setSchedule("c2", "g1", undefined);
    await store.setSchedule("C0", "g1", undefined);
    expect((await store.listScheduledChannels()).map((c) => c.channelId)).toEqual(["c1"]);
    expect(await store.getChannel("c2")).toEqual({ channelId: "c2", guildId: "g1" });
  });

  test("records when the last digest went out, exactly as given", async () => {
    const store = await fresh();
    await store.setSchedule("c1", "g1", { time: "07:30", timeZone: "UTC", weekdaysOnly: true });
    expect(await store.getChannel("c1")).not.toHaveProperty("lastDigestAt");
    await store.setLastDigestAt("c1", "2026-11-23T07:30:05Z");
    expect((await store.getChannel("c1"))?.lastDigestAt).toBe("2026-11-23T07:30:05Z");
    expect((await store.listScheduledChannels())[0]?.lastDigestAt).toBe("2026-11-23T07:30:05Z");
    expect(await store.getChannel("nope")).toBeUndefined();
  });

  test("claims a slot once, re-claims an expired claim with the same nonce, never after it was sent", async () => {
    const store = await fresh();
    const slot = "2026-11-23T07:30@Europe/Berlin";
    const first = await store.claimDelivery("c1", slot, "a", 60_000);
    expect(first).toEqual({ claimed: true, nonce: deliveryNonce("c1", slot), attempt: 1 });
    const rival = await store.claimDelivery("c1", slot, "b", 60_000);
    expect(rival).toMatchObject({ claimed: false, status: "claimed" });
    // The rival learns when the holder's lease ends, to try again then.
    expect(rival.claimed === false && rival.status === "claimed" && rival.leaseRemainingMs).toBeGreaterThan(50_000);
    // A zero lease has expired at once: the crash-recovery path.
    const expiring = await store.claimDelivery("c2", "s", "a", 0);
    const reclaimed = await store.claimDelivery("c2", "s", "b", 60_000);
    expect(expiring.claimed && reclaimed.claimed).toBe(true);
    if (expiring.claimed && reclaimed.claimed) {
      expect(reclaimed.nonce).toBe(expiring.nonce);
      expect(reclaimed.attempt).toBe(2);
    }
    expect(await store.lastDeliveredSlot("c2")).toBeUndefined();
    await store.markDelivered("c2", "s", ["m1"]);
    expect(await store.claimDelivery("c2", "s", "c", 0)).toEqual({ claimed: false, status: "sent" });
    expect(await store.lastDeliveredSlot("c2")).toBe("s");
    await store.markSkipped("c3", "old", "too old to catch up");
    expect(await store.claimDelivery("c3", "old", "a", 1000)).toEqual({ claimed: false, status: "skipped" });
    // A sent slot stays sent.
    await store.markSkipped("c2", "s", "late");
    expect(await store.claimDelivery("c2", "s", "d", 0)).toEqual({ claimed: false, status: "sent" });
  });

  test("the last delivered slot is the most recently sent one", async () => {
    const store = await fresh();
    for (const slot of ["s1", "s2"]) {
      expect((await store.claimDelivery("c", slot, "a", 60_000)).claimed).toBe(true);
    }
    await store.markDelivered("c", "s2", ["m2"]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.markDelivered("c", "s1", ["m1"]);
    expect(await store.lastDeliveredSlot("c")).toBe("s1");
    expect(await store.lastDeliveredSlot("other")).toBeUndefined();
  });

  test("20 concurrent claims of one slot from two handles: exactly one wins", async () => {
    const opener = await engine.newDatabase();
    const [a, b] = [await opener(), await opener()];
    open.push(a, b);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => a.claimDelivery("c", "slot", "a", 60_000)),
      ...Array.from({ length: 10 }, () => b.claimDelivery("c", "slot", "b", 60_000)),
    ]);
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(results.filter((r) => !r.claimed).map((r) => !r.claimed && r.status)).toEqual(Array.from({ length: 19 }, () => "claimed"));
  });

  test("a heartbeat renews only the holder's claim; a takeover makes the old holder's renewals fail", async () => {
    const store = await fresh();
    expect((await store.claimDelivery("c", "s", "a", 60_000)).claimed).toBe(true);
    expect(await store.renewClaim("c", "s", "a", 60_000)).toBe(true);
    expect(await store.renewClaim("c", "s", "b", 60_000)).toBe(false);
    // An expired lease that nobody took over can still be renewed by its holder.
    expect(await store.renewClaim("c", "s", "a", 0)).toBe(true);
    const takeover = await store.claimDelivery("c", "s", "b", 60_000);
    expect(takeover).toMatchObject({ claimed: true, attempt: 2 });
    expect(await store.renewClaim("c", "s", "a", 60_000)).toBe(false);
    expect(await store.renewClaim("c", "s", "b", 60_000)).toBe(true);
    await store.markDelivered("c", "s", []);
    expect(await store.renewClaim("c", "s", "b", 60_000)).toBe(false);
    expect(await store.renewClaim("nope", "s", "b", 60_000)).toBe(false);
  });

  test("a released claim can be taken at once by another owner, only by its holder's release", async () => {
    const store = await fresh();
    await store.claimDelivery("c", "s", "a", 600_000);
    await store.releaseClaim("c", "s", "b");
    expect(await store.claimDelivery("c", "s", "b", 60_000)).toMatchObject({ claimed: false, status: "claimed" });
    await store.releaseClaim("c", "s", "a");
    expect(await store.claimDelivery("c", "s", "b", 60_000)).toMatchObject({ claimed: true, attempt: 2 });
  });

  test("records a delivery's plan once and its accepted parts idempotently, across handles", async () => {
    const opener = await engine.newDatabase();
    const [a, b] = [await opener(), await opener()];
    open.push(a, b);
    expect(await a.deliveryProgress("c", "s")).toEqual({ parts: [] });
    await a.claimDelivery("c", "s", "a", 60_000);
    expect(await a.saveDeliveryPlan("c", "s", '["first"]')).toBe('["first"]');
    // A takeover that built again keeps the first plan, so the parts line up.
    expect(await b.saveDeliveryPlan("c", "s", '["second"]')).toBe('["first"]');
    await a.recordAcceptedPart("c", "s", { part: 1, messageId: "m1", nonce: "n001" });
    await a.recordAcceptedPart("c", "s", { part: 0, messageId: "m0", nonce: "n000" });
    await b.recordAcceptedPart("c", "s", { part: 0, messageId: "other", nonce: "n000" });
    expect(await b.deliveryProgress("c", "s")).toEqual({
      plan: '["first"]',
      parts: [
        { part: 0, messageId: "m0", nonce: "n000" },
        { part: 1, messageId: "m1", nonce: "n001" },
      ],
    });
    expect((await a.deliveryProgress("c", "other-slot")).parts).toEqual([]);
    expect(await a.saveDeliveryPlan("c", "unclaimed", "[]")).toBeUndefined();
  });

  test("keeps who set the digest up, and tells about a pause once until it is resumed", async () => {
    const opener = await engine.newDatabase();
    const [a, b] = [await opener(), await opener()];
    open.push(a, b);
    await a.setSchedule("c", "g", { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    await a.setDigestContact("c", "u1");
    expect((await b.getChannel("c"))?.digestContactId).toBe("u1");
    expect(await a.claimPauseNotice("c")).toBe(false);
    await a.pauseChannel("c", "Missing Access");
    expect(await Promise.all([a.claimPauseNotice("c"), b.claimPauseNotice("c")]).then((r) => r.toSorted())).toEqual([false, true]);
    expect(Number.isNaN(Date.parse((await a.getChannel("c"))?.pauseNotifiedAt ?? ""))).toBe(false);
    await a.pauseChannel("c", "Missing Access");
    expect(await a.claimPauseNotice("c")).toBe(false);
    await a.resumeChannel("c");
    expect(await a.getChannel("c")).not.toHaveProperty("pauseNotifiedAt");
    await a.pauseChannel("c", "Unknown Channel");
    expect(await b.claimPauseNotice("c")).toBe(true);
  });

  test("stores feed state and cached JSON, dropping fields that are no longer set", async () => {
    const store = await fresh();
    const full = {
      url: "http://f",
      etag: '"x"',
      lastModified: "Sat, 21 Nov 2026 10:00:00 GMT",
      failures: 2,
      nextAttemptAt: "2026-11-21T10:05:00.000Z",
      lastError: "HTTP 500",
      failingSince: "2026-11-21T10:01:00.000Z",
      lastFetchedAt: "2026-11-21T10:00:00.000Z",
      itemsJson: '[{"title":"ä"}]',
    };
    await store.putFeedState(full);
    expect(await store.getFeedState("http://f")).toEqual(full);
    await store.putFeedState({ url: "http://f", failures: 0 });
    expect(await store.getFeedState("http://f")).toEqual({ url: "http://f", failures: 0 });
    expect(await store.getFeedState("http://g")).toBeUndefined();
    await store.putCached("synthesis", "BABA|2026-11-21", "{}");
    await store.putCached("synthesis", "BABA|2026-11-21", '{"v":2}');
    expect(await store.getCached("synthesis", "BABA|2026-11-21")).toBe('{"v":2}');
    expect(await store.getCached("synthesis", "BABA|2026-11-22")).toBeUndefined();
    expect(await store.getCached("other", "BABA|2026-11-21")).toBeUndefined();
  });
});

describe.skipIf(!binaries)("PostgreSQL store specifics", () => {
  it("runs migrations once when several instances start together", async () => {
    const url = await pgServer().createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)));
    try {
      const { rows } = await stores[0]!.pool.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => r.version)).toEqual(postgresMigrations.map((_, i) => i + 1));
      expect(await Promise.all(stores.map((s, i) => s.incrementCounter("started", "p", i + 1)))).toHaveLength(4);
      expect(await stores[3]!.getCounter("started", "p")).toBe(10);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("rolls back a failing migration and records nothing for it", async () => {
    const store = await openPostgresStore(await pgServer().createDatabase());
    const client = await store.pool.connect();
    try {
      await expect(migratePostgres(client, [...postgresMigrations, "CREATE TABLE half (x INTEGER); CREATE TABLE broken ("])).rejects.toThrow();
      const { rows } = await client.query("SELECT to_regclass('half') AS half, (SELECT MAX(version) FROM schema_migrations) AS v");
      expect(rows).toEqual([{ half: null, v: postgresMigrations.length }]);
      await migratePostgres(client, [...postgresMigrations, "CREATE TABLE extra (x INTEGER)"]);
      const after = await client.query("SELECT MAX(version) AS v FROM schema_migrations");
      expect(after.rows).toEqual([{ v: postgresMigrations.length + 1 }]);
    } finally {
      client.release();
      await store.close();
    }
  });

  it("is what openStore returns for a postgres:// URL", async () => {
    const store = await openStore({ kind: "postgres", url: await pgServer().createDatabase() });
    try {
      expect(store.kind).toBe("postgres");
      await store.putCached("k", "v", "1");
      expect(await store.getCached("k", "v")).toBe("1");
    } finally {
      await store.close();
      await store.close(); // closing twice is harmless
    }
  });

  it("serves the CLI: a second summary of the same file comes from the PostgreSQL cache", async () => {
    const env = { DATABASE_URL: await pgServer().createDatabase("cli_e2e") };
    const args = ["summarize", join(PROJECT_ROOT, "test/fixtures/cli/article-de.html"), "--json"];
    const first = await runCli(args, { env, timeoutMs: 30_000 });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ engine: "extractive", cached: false });
    const second = await runCli(args, { env, timeoutMs: 30_000 });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ engine: "extractive", cached: true });
  }, 60_000);
});

describe("PostgreSQL store without a server", () => {
  it("reports an unreachable server as a user-facing error that names the target but not the password", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const error = await openPostgresStore(`postgres://bot:s3cret@127.0.0.1:${port}/marketbrief`).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ name: "UserFacingError", code: "unreachable" });
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}/marketbrief`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain("s3cret");
  });
});
