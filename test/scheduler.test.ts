/**
 * The digest scheduler against the real store (SQLite files), the real digest builder (local feeds
 * and article pages, no model: headlines only) and the Discord emulator through discord.js's REST
 * client. Time is injected: tests call tick(now)/catchUp(now) minute by minute instead of waiting.
 * The last test runs the real bot (src/main.ts) as a child process and kills it with SIGKILL.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { REST } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { deliveryNonce } from "../src/core/delivery-nonce.ts";
import type { DigestBuilder, DigestRequest } from "../src/core/digest.ts";
import type { DigestSchedule } from "../src/core/store.ts";
import { openSqliteStore } from "../src/adapters/store/sqlite-store.ts";
import { createDigestPublisher } from "../src/discord/publisher.ts";
import { createDigestScheduler, type DigestScheduler, type TickReport } from "../src/jobs/scheduler.ts";
import { startDiscordEmulator, type DiscordEmulator, type RecordedMessage } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";

const GUILD = "800000000000000009";
const CHANNELS = ["tokyo", "berlin", "old", "race", "spring", "fall", "shared1", "shared2", "gone", "retry", "child"] as const;
type ChannelName = (typeof CHANNELS)[number];
const channel = Object.fromEntries(CHANNELS.map((name, i) => [name, `8200000000000000${10 + i}`])) as Record<ChannelName, string>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let dir: string;
let news: TestServer;
let emu: DiscordEmulator;
let rest: REST;
let dbCount = 0;

function rss(symbol: string): string {
  const published = new Date(Date.now() - HOUR).toUTCString();
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Local Wire</title><link>${news.url}/</link><description>${symbol}</description>
<item><title>${symbol} news of the day</title><link>${news.url}/article?id=${encodeURIComponent(symbol)}</link><pubDate>${published}</pubDate></item>
</channel></rss>`;
}

function captureLogger(logs: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: "info" }, sink);
}

function env(dbPath: string): Record<string, string> {
  return {
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.apiUrl,
    DATABASE_URL: `sqlite:${dbPath}`,
    NEWS_FEEDS: `${news.url}/rss?s={symbol}`,
    FETCH_ALLOW_PRIVATE: "127.0.0.1",
    DIGEST_CATCHUP_HOURS: "6",
    MARKET_DATA_URL: "off",
  };
}

interface Instance {
  app: App;
  scheduler: DigestScheduler;
  builds: DigestRequest[];
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** One bot process's worth of scheduler: its own store handle on the database file. */
async function instance(dbPath: string, options: { leaseMs?: number } = {}): Promise<Instance> {
  const logs: Record<string, unknown>[] = [];
  const logger = captureLogger(logs);
  const app = await createApp(loadConfig(env(dbPath)), logger);
  const builds: DigestRequest[] = [];
  // Counts builds; the work is the app's real builder.
  const builder: DigestBuilder = {
    build: (request) => {
      builds.push(request);
      return app.digestBuilder.build(request);
    },
  };
  const scheduler = createDigestScheduler({
    store: app.store,
    builder,
    publisher: createDigestPublisher({ rest, store: app.store, log: logger }),
    log: logger,
    catchupHours: app.config.digest.catchupHours,
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
  });
  return { app, scheduler, builds, logs, close: () => app.close() };
}

function freshDb(): string {
  dbCount += 1;
  return join(dir, `scheduler-${dbCount}.db`);
}

async function follow(app: App, name: ChannelName, symbols: string[], schedule: DigestSchedule): Promise<string> {
  const id = channel[name];
  for (const symbol of symbols) await app.store.addWatch(id, GUILD, symbol, 25);
  await app.store.setSchedule(id, GUILD, schedule);
  return id;
}

/** Ticks once per minute over [from, to]; returns the reports by tick time. */
async function tickEachMinute(scheduler: DigestScheduler, from: string, to: string): Promise<Map<string, TickReport>> {
  const reports = new Map<string, TickReport>();
  for (let t = Date.parse(from); t <= Date.parse(to); t += MINUTE) {
    const report = await scheduler.tick(new Date(t));
    reports.set(new Date(t).toISOString(), report);
  }
  return reports;
}

function deliveriesIn(reports: Map<string, TickReport>): Array<{ at: string; slotKey: string; channelId: string }> {
  return [...reports].flatMap(([at, r]) => r.delivered.map((d) => ({ at, slotKey: d.slotKey, channelId: d.channelId })));
}

const babaFetches = () => news.requests.filter((r) => r.target.includes("/article?id=BABA")).length;
const posts = (id: string): RecordedMessage[] => emu.channelMessages(id).filter((m) => m.source === "channel");
const postRequests = (id: string) => emu.requests.filter((r) => r.method === "POST" && r.path === `/channels/${id}/messages`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "marketbrief-scheduler-"));
  news = await startTestServer();
  news.route("/rss", (_req, res, ctx) => {
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(rss(ctx.url.searchParams.get("s") ?? ""));
  });
  news.route("/article", (_req, res, ctx) => {
    const id = ctx.url.searchParams.get("id") ?? "";
    const text = `${id} said on Monday that quarterly revenue rose 12 percent from a year earlier, ahead of what analysts had expected. `.repeat(6);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="en"><head><title>${id} news of the day</title></head><body><article><h1>${id} news of the day</h1><p>${text}</p><p>${text}</p></article></body></html>`);
  });
  emu = await startDiscordEmulator({ guilds: [{ id: GUILD, name: "Schedules", channels: CHANNELS.map((name) => ({ id: channel[name], name })) }] });
  // No automatic retries: a failed send is the scheduler's to retry, with the same nonce.
  rest = new REST({ api: emu.apiUrl, retries: 0 }).setToken(emu.token);
}, 30_000);

afterAll(async () => {
  rest?.clearHashSweeper();
  rest?.clearHandlerSweeper();
  await emu?.close();
  await news?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("scheduled digests", () => {
  it("posts a 07:30 Asia/Tokyo digest exactly once, in that minute, with a nonce on every send", async () => {
    const db = freshDb();
    const a = await instance(db);
    try {
      const id = await follow(a.app, "tokyo", ["BABA", "9988.HK"], { time: "07:30", timeZone: "Asia/Tokyo", weekdaysOnly: true });
      // Tue 10 Mar 2026 07:30 in Tokyo is Mon 9 Mar 22:30 UTC.
      const reports = await tickEachMinute(a.scheduler, "2026-03-09T22:20:00Z", "2026-03-09T22:40:00Z");
      expect(deliveriesIn(reports)).toEqual([{ at: "2026-03-09T22:30:00.000Z", slotKey: "2026-03-10T07:30@Asia/Tokyo", channelId: id }]);
      const sent = posts(id);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.embeds.map((e) => e.title)).toEqual(["BABA · Alibaba Group Holding Ltd", "9988.HK · Alibaba Group Holding Limited"]);
      expect(sent[0]?.content).toContain("**Daily digest** · 2 tickers");
      expect(sent[0]?.allowedMentions).toEqual({ parse: [] });
      for (const request of postRequests(id)) {
        expect(request.body).toMatchObject({ enforce_nonce: true, nonce: `${deliveryNonce(id, "2026-03-10T07:30@Asia/Tokyo")}000` });
      }
      expect(await a.app.store.lastDeliveredSlot(id)).toBe("2026-03-10T07:30@Asia/Tokyo");
      expect((await a.app.store.getChannel(id))?.lastDigestAt).toBe("2026-03-09T22:30:00.000Z");
      // A day later (Wednesday), the next slot: the channel's own `since` is its last digest.
      const next = await tickEachMinute(a.scheduler, "2026-03-10T22:29:00Z", "2026-03-10T22:31:00Z");
      expect(deliveriesIn(next).map((d) => d.slotKey)).toEqual(["2026-03-11T07:30@Asia/Tokyo"]);
      expect(a.builds.at(-1)?.since.toISOString()).toBe("2026-03-09T22:30:00.000Z");
      expect(posts(id)).toHaveLength(2);

      // A restart (a second instance over the same database): neither catch-up nor ticks post again.
      await a.close();
      const b = await instance(db);
      try {
        const caughtUp = await b.scheduler.catchUp(new Date("2026-03-10T22:45:00Z"));
        expect(caughtUp.delivered).toEqual([]);
        await tickEachMinute(b.scheduler, "2026-03-10T22:46:00Z", "2026-03-10T22:50:00Z");
        expect(posts(id)).toHaveLength(2);
        expect(b.builds).toEqual([]);
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });

  it("catches up a slot missed while down once, within the grace window", async () => {
    const db = freshDb();
    const a = await instance(db);
    const id = await follow(a.app, "berlin", ["SAP.DE"], { time: "09:00", timeZone: "Europe/Berlin", weekdaysOnly: true });
    // Wed 11 Mar 2026 09:00 in Berlin (CET) is 08:00 UTC; the bot comes up two hours later.
    const report = await a.scheduler.catchUp(new Date("2026-03-11T10:00:00Z"));
    expect(report.delivered.map((d) => d.slotKey)).toEqual(["2026-03-11T09:00@Europe/Berlin"]);
    expect(posts(id)).toHaveLength(1);
    expect(a.logs.find((l) => l.msg === "digest catch-up done")).toMatchObject({ delivered: 1, skipped: 0 });
    const again = await instance(db);
    expect((await again.scheduler.catchUp(new Date("2026-03-11T10:05:00Z"))).delivered).toEqual([]);
    expect(posts(id)).toHaveLength(1);
    await again.close();
    await a.close();
  });

  it("skips and logs a missed slot older than the grace window", async () => {
    const a = await instance(freshDb());
    const id = await follow(a.app, "old", ["AAPL"], { time: "09:00", timeZone: "Europe/Berlin", weekdaysOnly: true });
    const report = await a.scheduler.catchUp(new Date("2026-03-11T15:00:00Z"));
    expect(report.delivered).toEqual([]);
    expect(report.skipped).toEqual([{ channelId: id, slotKey: "2026-03-11T09:00@Europe/Berlin", reason: "missed by 7 h, more than the 6 h catch-up window" }]);
    expect(a.logs.find((l) => l.msg === "missed digest slot too old to catch up")).toMatchObject({ channelId: id, slotKey: "2026-03-11T09:00@Europe/Berlin", ageHours: 7, graceHours: 6 });
    expect(await a.app.store.claimDelivery(id, "2026-03-11T09:00@Europe/Berlin", "probe", 1000)).toEqual({ claimed: false, status: "skipped" });
    expect(posts(id)).toEqual([]);
    await a.close();
  });

  it("posts once when two instances claim the same slot at the same time", async () => {
    const db = freshDb();
    const a = await instance(db);
    const b = await instance(db);
    const id = await follow(a.app, "race", ["BABA"], { time: "16:00", timeZone: "America/New_York", weekdaysOnly: true });
    const at = new Date("2026-03-11T20:00:00Z");
    const [ra, rb] = await Promise.all([a.scheduler.tick(at), b.scheduler.tick(at)]);
    expect([...ra.delivered, ...rb.delivered]).toHaveLength(1);
    expect([...ra.held, ...rb.held]).toHaveLength(1);
    expect(posts(id)).toHaveLength(1);
    // The loser re-checks on its next tick and finds the slot sent.
    const loser = ra.delivered.length === 1 ? b : a;
    const later = await loser.scheduler.tick(new Date(at.getTime() + MINUTE));
    expect(later.delivered).toEqual([]);
    expect(posts(id)).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it("posts a time in the spring-forward gap once, at the end of the gap", async () => {
    const a = await instance(freshDb());
    const id = await follow(a.app, "spring", ["AAPL"], { time: "02:30", timeZone: "America/New_York", weekdaysOnly: false });
    // Sun 8 Mar 2026: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never happens.
    const reports = await tickEachMinute(a.scheduler, "2026-03-08T06:45:00Z", "2026-03-08T07:15:00Z");
    expect(deliveriesIn(reports)).toEqual([{ at: "2026-03-08T07:00:00.000Z", slotKey: "2026-03-08T02:30@America/New_York", channelId: id }]);
    expect(posts(id)).toHaveLength(1);
    await a.close();
  });

  it("posts a time in the repeated fall-back hour once, at its first occurrence", async () => {
    const a = await instance(freshDb());
    const id = await follow(a.app, "fall", ["AAPL"], { time: "01:30", timeZone: "America/New_York", weekdaysOnly: false });
    // Sun 1 Nov 2026: 01:30 EDT (05:30 UTC), then 02:00 EDT falls back to 01:00 EST and 01:30 comes again (06:30 UTC).
    const reports = await tickEachMinute(a.scheduler, "2026-11-01T05:20:00Z", "2026-11-01T06:40:00Z");
    expect(deliveriesIn(reports)).toEqual([{ at: "2026-11-01T05:30:00.000Z", slotKey: "2026-11-01T01:30@America/New_York", channelId: id }]);
    expect(posts(id)).toHaveLength(1);
    await a.close();
  });

  it("builds once for channels due together and posts each channel only its own tickers", async () => {
    const a = await instance(freshDb());
    const schedule = { time: "08:00", timeZone: "Europe/London", weekdaysOnly: true };
    const one = await follow(a.app, "shared1", ["BABA", "9988.HK"], schedule);
    const two = await follow(a.app, "shared2", ["BABA", "SAP.DE"], schedule);
    const before = babaFetches();
    const report = await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
    expect(report.delivered.map((d) => d.channelId).toSorted()).toEqual([one, two].toSorted());
    expect(a.builds).toHaveLength(1);
    expect(a.builds[0]?.symbols.toSorted()).toEqual(["9988.HK", "BABA", "SAP.DE"]);
    expect(posts(one)[0]?.embeds.map((e) => e.title?.split(" · ")[0])).toEqual(["BABA", "9988.HK"]);
    expect(posts(two)[0]?.embeds.map((e) => e.title?.split(" · ")[0])).toEqual(["BABA", "SAP.DE"]);
    // The shared story was fetched once for both channels.
    expect(babaFetches() - before).toBe(1);
    await a.close();
  });

  it("pauses a channel Discord refuses (403/50001) and records the slot skipped", async () => {
    const a = await instance(freshDb());
    const id = await follow(a.app, "gone", ["AAPL"], { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    const fault = emu.failChannel(id, "missingAccess");
    try {
      const report = await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      expect(fault.hits).toBe(1);
      expect(report.delivered).toEqual([]);
      expect(report.skipped[0]?.reason).toBe("channel paused: Missing Access: the bot cannot see this channel; it needs View Channel here");
      expect((await a.app.store.getChannel(id))?.pausedReason).toBe("Missing Access: the bot cannot see this channel; it needs View Channel here");
      expect((await a.app.store.listScheduledChannels()).map((c) => c.channelId)).not.toContain(id);
    } finally {
      emu.clearFaults();
      await a.close();
    }
  });

  it("retries a failed send on a later tick with the same nonce", async () => {
    const a = await instance(freshDb(), { leaseMs: 1 });
    const id = await follow(a.app, "retry", ["AAPL"], { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    emu.injectFault({ method: "POST", path: `/channels/${id}/messages`, fault: "serverError", status: 502 });
    try {
      const first = await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      expect(first.failed).toHaveLength(1);
      expect(posts(id)).toEqual([]);
      const second = await a.scheduler.tick(new Date("2026-03-12T08:01:00Z"));
      expect(second.delivered.map((d) => d.slotKey)).toEqual(["2026-03-12T08:00@UTC"]);
      const requests = postRequests(id);
      expect(requests.map((r) => r.status)).toEqual([502, 200]);
      const nonces = requests.map((r) => (r.body as { nonce?: string }).nonce);
      expect(nonces[0]).toBe(`${deliveryNonce(id, "2026-03-12T08:00@UTC")}000`);
      expect(nonces[1]).toBe(nonces[0]);
      expect(posts(id)).toHaveLength(1);
    } finally {
      emu.clearFaults();
      await a.close();
    }
  });
});

describe("the bot process (src/main.ts)", () => {
  const main = join(PROJECT_ROOT, "src/main.ts");

  function startMain(dbPath: string) {
    const child = spawn(process.execPath, [main], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env(dbPath), LOG_LEVEL: "info" },
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("close", (code, signal) => resolve(signal ?? code)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    void exited.then(() => clearTimeout(killer));
    return { child, exited, stderr: () => stderr };
  }

  it("catches up the current slot on start and, killed with SIGKILL and restarted, does not post it again", async () => {
    const db = freshDb();
    const zone = "Asia/Tokyo";
    const now = new Date();
    const hhmm = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
    const seed = openSqliteStore(db);
    await seed.addWatch(channel.child, GUILD, "BABA", 25);
    await seed.setSchedule(channel.child, GUILD, { time: hhmm, timeZone: zone, weekdaysOnly: false });
    await seed.close();

    const first = startMain(db);
    await emu.waitFor(() => first.stderr().includes('"msg":"digest delivered"'), 30_000, "the first process to deliver the digest");
    expect(posts(channel.child)).toHaveLength(1);
    expect(posts(channel.child)[0]?.nonce).toEqual(expect.any(String));
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = startMain(db);
    try {
      await emu.waitFor(() => second.stderr().includes('"msg":"digest catch-up done"'), 30_000, "the restarted process's catch-up");
      const line = second.stderr().split("\n").find((l) => l.includes('"msg":"digest catch-up done"')) ?? "{}";
      expect(JSON.parse(line)).toMatchObject({ delivered: 0, failed: 0 });
      expect(posts(channel.child)).toHaveLength(1);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  }, 60_000);
});
