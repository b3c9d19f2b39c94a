import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../src/adapters/store/sqlite-store.ts";
import type { BriefResult } from "../src/core/brief.ts";

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

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "mb-store-"));
  dirs.push(dir);
  return join(dir, "nested", "store.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("SQLite store", () => {
  const key = { source: "https://example.com/a", promptVersion: "brief@abc", model: "m", language: "en" };

  it("round-trips a brief under its full key and misses on any other key part", async () => {
    const store = openSqliteStore(tempDb());
    await store.putBrief(key, result);
    expect((await store.getBrief(key))?.result).toEqual(result);
    expect(await store.getBrief({ ...key, language: "de" })).toBeUndefined();
    expect(await store.getBrief({ ...key, model: "other" })).toBeUndefined();
    expect(await store.getBrief({ ...key, promptVersion: "brief@def" })).toBeUndefined();
    await store.close();
  });

  it("keeps data across reopen and runs migrations once", async () => {
    const path = tempDb();
    const first = openSqliteStore(path);
    await first.putBrief(key, result);
    await first.close();
    const second = openSqliteStore(path);
    expect((await second.getBrief(key))?.result.brief.headline).toBe("H");
    const versions = second.db.prepare("SELECT COUNT(*) AS n FROM schema_migrations").get() as { n: number };
    expect(versions.n).toBeGreaterThan(0);
    await second.close();
  });

  it("counts per name and period", async () => {
    const store = openSqliteStore(":memory:");
    expect(await store.incrementCounter("guild:1", "2026-11-21")).toBe(1);
    expect(await store.incrementCounter("guild:1", "2026-11-21", 2)).toBe(3);
    expect(await store.getCounter("guild:1", "2026-11-22")).toBe(0);
    expect(await store.getCounter("guild:2", "2026-11-21")).toBe(0);
    await store.close();
  });
});

describe("SQLite store: watches, channels, deliveries, feeds", () => {
  it("adds watches up to the limit and lists them in order", async () => {
    const store = openSqliteStore(":memory:");
    expect(await store.addWatch("c1", "g1", "BABA", 2)).toBe("added");
    expect(await store.addWatch("c1", "g1", "BABA", 2)).toBe("exists");
    expect(await store.addWatch("c1", "g1", "9988.HK", 2)).toBe("added");
    expect(await store.addWatch("c1", "g1", "AAPL", 2)).toBe("limit");
    expect(await store.listWatches("c1")).toEqual(["BABA", "9988.HK"]);
    expect(await store.removeWatch("c1", "BABA")).toBe(true);
    expect(await store.removeWatch("c1", "BABA")).toBe(false);
    expect(await store.listWatches("c1")).toEqual(["9988.HK"]);
    await store.close();
  });

  it("lists scheduled channels that are not paused, with their symbols", async () => {
    const store = openSqliteStore(":memory:");
    await store.addWatch("c1", "g1", "SAP.DE", 25);
    await store.setSchedule("c1", "g1", { time: "07:30", timeZone: "Europe/Berlin", weekdaysOnly: true });
    await store.setSchedule("c2", "g1", { time: "08:00", timeZone: "UTC", weekdaysOnly: false });
    let scheduled = await store.listScheduledChannels();
    expect(scheduled.map((c) => [c.channelId, c.symbols])).toEqual([["c1", ["SAP.DE"]], ["c2", []]]);
    expect(scheduled[1]?.schedule.weekdaysOnly).toBe(false);
    await store.pauseChannel("c1", "Missing Permissions (50013)");
    scheduled = await store.listScheduledChannels();
    expect(scheduled.map((c) => c.channelId)).toEqual(["c2"]);
    expect((await store.getChannel("c1"))?.pausedReason).toMatch(/50013/);
    await store.resumeChannel("c1");
    expect((await store.getChannel("c1"))?.pausedReason).toBeUndefined();
    await store.setSchedule("c2", "g1", undefined);
    expect((await store.listScheduledChannels()).map((c) => c.channelId)).toEqual(["c1"]);
    await store.close();
  });

  it("claims a slot once, re-claims an expired claim with the same nonce, never after it was sent", async () => {
    const store = openSqliteStore(":memory:");
    const first = await store.claimDelivery("c1", "2026-11-23T07:30@Europe/Berlin", "a", 60_000);
    expect(first.claimed).toBe(true);
    const rival = await store.claimDelivery("c1", "2026-11-23T07:30@Europe/Berlin", "b", 60_000);
    expect(rival).toEqual({ claimed: false, status: "claimed" });
    // A zero lease has expired at once: the crash-recovery path.
    const expiring = await store.claimDelivery("c2", "s", "a", 0);
    const reclaimed = await store.claimDelivery("c2", "s", "b", 60_000);
    expect(expiring.claimed && reclaimed.claimed).toBe(true);
    if (expiring.claimed && reclaimed.claimed) {
      expect(reclaimed.nonce).toBe(expiring.nonce);
      expect(reclaimed.attempt).toBe(2);
    }
    await store.markDelivered("c2", "s", ["m1"]);
    expect(await store.claimDelivery("c2", "s", "c", 0)).toEqual({ claimed: false, status: "sent" });
    expect(await store.lastDeliveredSlot("c2")).toBe("s");
    await store.markSkipped("c3", "old", "too old to catch up");
    expect(await store.claimDelivery("c3", "old", "a", 1000)).toEqual({ claimed: false, status: "skipped" });
    await store.close();
  });

  it("concurrent claims from two connections: exactly one wins", async () => {
    const path = tempDb();
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => a.claimDelivery("c", "slot", "a", 60_000)),
      ...Array.from({ length: 10 }, () => b.claimDelivery("c", "slot", "b", 60_000)),
    ]);
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it("stores feed state and cached JSON", async () => {
    const store = openSqliteStore(":memory:");
    await store.putFeedState({ url: "http://f", etag: '"x"', failures: 2, lastError: "HTTP 500" });
    expect(await store.getFeedState("http://f")).toEqual({ url: "http://f", etag: '"x"', failures: 2, lastError: "HTTP 500" });
    await store.putFeedState({ url: "http://f", failures: 0 });
    expect(await store.getFeedState("http://f")).toEqual({ url: "http://f", failures: 0 });
    await store.putCached("synthesis", "BABA|2026-11-21", "{}");
    expect(await store.getCached("synthesis", "BABA|2026-11-21")).toBe("{}");
    expect(await store.getCached("synthesis", "BABA|2026-11-22")).toBeUndefined();
    await store.close();
  });
});
