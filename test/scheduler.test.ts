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
import { createDigestComposer } from "../src/discord/digest-charts.ts";
import { createDiscordSender, rejectLongChannelRateLimits } from "../src/discord/publisher.ts";
import { createDigestScheduler, type DigestScheduler, type TickReport } from "../src/jobs/scheduler.ts";
import { startDiscordEmulator, type DiscordEmulator, type RecordedMessage } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";

const GUILD = "800000000000000009";
const CHANNELS = [
  "tokyo", "berlin", "old", "race", "spring", "fall", "shared1", "shared2", "gone", "retry", "child",
  "once404", "limited", "free", "slow", "frozen", "told", "system",
] as const;
type ChannelName = (typeof CHANNELS)[number];
const channel = Object.fromEntries(CHANNELS.map((name, i) => [name, `8200000000000000${10 + i}`])) as Record<ChannelName, string>;

const SYSTEM_GUILD = "800000000000000010";
const SYSTEM_GUILD_DIGEST = "820000000000000099";
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
async function instance(dbPath: string, options: { leaseMs?: number; instanceId?: string } = {}): Promise<Instance> {
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
    sender: createDiscordSender(rest),
    compose: createDigestComposer(undefined),
    log: logger,
    catchupHours: app.config.digest.catchupHours,
    // Backoffs of a few ms: the tests count retries, they do not wait for them.
    policy: { retryBaseMs: 5, retryMaxMs: 20 },
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.instanceId !== undefined ? { instanceId: options.instanceId } : {}),
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
  emu = await startDiscordEmulator({
    guilds: [
      { id: GUILD, name: "Schedules", channels: CHANNELS.map((name) => ({ id: channel[name], name })) },
      { id: SYSTEM_GUILD, name: "Announces", systemChannelId: channel.system, channels: [{ id: channel.system, name: "system" }, { id: SYSTEM_GUILD_DIGEST, name: "digest" }] },
    ],
  });
  // No automatic retries: a failed send is the delivery's to retry, with the same nonce. Long
  // rate limits are handed to the delivery, as the bot's client does (src/discord/client.ts).
  rest = new REST({ api: emu.apiUrl, retries: 0, rejectOnRateLimit: rejectLongChannelRateLimits }).setToken(emu.token);
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

  it("pauses a channel Discord keeps refusing (403/50001) and records the slot skipped", async () => {
    const a = await instance(freshDb());
    const id = await follow(a.app, "gone", ["AAPL"], { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    const fault = emu.failChannel(id, "missingAccess");
    try {
      const report = await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      // Paused only after the refusal persisted through the retries (3 refusals in a row).
      expect(fault.hits).toBe(3);
      expect(report.delivered).toEqual([]);
      expect(report.skipped[0]?.reason).toBe("channel paused: Missing Access: the bot cannot see this channel; it needs View Channel here");
      expect((await a.app.store.getChannel(id))?.pausedReason).toBe("Missing Access: the bot cannot see this channel; it needs View Channel here");
      expect((await a.app.store.listScheduledChannels()).map((c) => c.channelId)).not.toContain(id);
    } finally {
      emu.clearFaults();
      await a.close();
    }
  });

  it("retries a failed send with backoff and the same nonce, within the slot's delivery", async () => {
    const a = await instance(freshDb());
    const id = await follow(a.app, "retry", ["AAPL"], { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    emu.injectFault({ method: "POST", path: `/channels/${id}/messages`, fault: "serverError", status: 502, times: 2 });
    try {
      const report = await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      expect(report.delivered.map((d) => d.slotKey)).toEqual(["2026-03-12T08:00@UTC"]);
      expect(report.failed).toEqual([]);
      const requests = postRequests(id);
      expect(requests.map((r) => r.status)).toEqual([502, 502, 200]);
      const nonces = requests.map((r) => (r.body as { nonce?: string }).nonce);
      expect(new Set(nonces)).toEqual(new Set([`${deliveryNonce(id, "2026-03-12T08:00@UTC")}000`]));
      expect(posts(id)).toHaveLength(1);
    } finally {
      emu.clearFaults();
      await a.close();
    }
  });

  it("a single 404 (Unknown Channel) does not pause the channel: the digest is posted on retry", async () => {
    const a = await instance(freshDb());
    const id = await follow(a.app, "once404", ["AAPL"], { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    const fault = emu.injectFault({ method: "POST", path: `/channels/${id}/messages`, fault: "unknownChannel", times: 1 });
    try {
      const report = await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      expect(fault.hits).toBe(1);
      expect(report.delivered.map((d) => d.channelId)).toEqual([id]);
      expect(postRequests(id).map((r) => r.status)).toEqual([404, 200]);
      expect(posts(id)).toHaveLength(1);
      expect((await a.app.store.getChannel(id))?.pausedReason).toBeUndefined();
      expect((await a.app.store.listScheduledChannels()).map((c) => c.channelId)).toContain(id);
    } finally {
      emu.clearFaults();
      await a.close();
    }
  });

  it("a channel rate-limited for 150 s holds up no other channel due in the same minute", async () => {
    const a = await instance(freshDb());
    const schedule = { time: "08:00", timeZone: "UTC", weekdaysOnly: true };
    const limited = await follow(a.app, "limited", ["AAPL"], schedule);
    const free = await follow(a.app, "free", ["MSFT"], schedule);
    const fault = emu.injectFault({ method: "POST", path: `/channels/${limited}/messages`, fault: "rateLimit", untilMs: Date.now() + 150_000 });
    try {
      const ticked = a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      await emu.waitFor(() => posts(free).length === 1, 30_000, "the unaffected channel's digest");
      // Still inside the limited channel's 150 s: it has posted nothing and has not been given up.
      expect(fault.hits).toBeGreaterThan(0);
      expect(posts(limited)).toEqual([]);
      expect(Date.now()).toBeLessThan(fault.spec.untilMs ?? 0);
      await emu.waitFor(() => a.logs.some((l) => l.msg === "channel rate limited; waiting it out" && l.channelId === limited), 5000, "the limited channel's wait");
      // Stopping gives the limited slot back (claim released) for whoever ticks next.
      await a.scheduler.stop(0);
      const report = await ticked;
      expect(report.delivered.map((d) => d.channelId)).toEqual([free]);
      expect(await a.app.store.claimDelivery(limited, "2026-03-12T08:00@UTC", "next", 1000)).toMatchObject({ claimed: true, attempt: 2 });
    } finally {
      emu.clearFaults();
      await a.close();
    }
  });

  it("a slow but live holder keeps its claim past the lease: the other instance never sends the slot", async () => {
    const db = freshDb();
    const a = await instance(db, { leaseMs: 300, instanceId: "slow-a" });
    const b = await instance(db, { leaseMs: 300, instanceId: "late-b" });
    const id = await follow(a.app, "slow", ["AAPL"], { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    // The first send takes 1.5 s, five leases: the heartbeat has to keep the claim.
    emu.injectFault({ method: "POST", path: `/channels/${id}/messages`, fault: "delay", delayMs: 1500 });
    try {
      const at = new Date("2026-03-12T08:00:00Z");
      const first = a.scheduler.tick(at);
      const rivals: TickReport[] = [];
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        rivals.push(await b.scheduler.tick(new Date(at.getTime() + i * 1000)));
      }
      const report = await first;
      expect(report.delivered.map((d) => d.channelId)).toEqual([id]);
      expect(rivals.flatMap((r) => r.delivered)).toEqual([]);
      expect(rivals.flatMap((r) => r.held).length).toBeGreaterThan(0);
      expect(postRequests(id)).toHaveLength(1);
      expect(posts(id)).toHaveLength(1);
    } finally {
      emu.clearFaults();
      await a.close();
      await b.close();
    }
  });

  it("a holder frozen after the first message is taken over from the first unsent message, nothing posted twice", async () => {
    const db = freshDb();
    const a = await instance(db, { leaseMs: 300, instanceId: "frozen-a" });
    const b = await instance(db, { leaseMs: 300, instanceId: "takeover-b" });
    // More tickers than one message holds (10 embeds): a digest of several messages.
    const symbols = ["AAPL", "MSFT", "BABA", "SAP.DE", "9988.HK", "NVDA", "AMZN", "TSLA", "GOOGL", "META", "NFLX", "INTC", "JPM"];
    const id = await follow(a.app, "frozen", symbols, { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    const path = `/channels/${id}/messages`;
    // The second send never gets an answer (the holder hangs), and its database goes away with it.
    const secondMessage = (body: unknown) => (body as { nonce?: string } | undefined)?.nonce?.endsWith("001") === true;
    emu.injectFault({ method: "POST", path, fault: "stall", times: 1, match: secondMessage });
    let aTick: Promise<TickReport> | undefined;
    try {
      const at = new Date("2026-03-12T08:00:00Z");
      aTick = a.scheduler.tick(at);
      await emu.waitFor(() => emu.stalledRequests === 1, 60_000, "the holder hanging on its second message");
      await a.app.close();
      const plan = await b.app.store.deliveryProgress(id, "2026-03-12T08:00@UTC");
      const total = (JSON.parse(plan.plan ?? "[]") as unknown[]).length;
      expect(total).toBeGreaterThanOrEqual(2);
      expect(plan.parts.map((p) => p.part)).toEqual([0]);
      // The lease runs out (no heartbeat); the other instance continues from message 2.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const report = await b.scheduler.tick(new Date(at.getTime() + 30_000));
      expect(report.delivered).toEqual([expect.objectContaining({ channelId: id, resumedFrom: 1 })]);
      emu.releaseStalled();
      await aTick;
      const sent = posts(id);
      expect(sent).toHaveLength(total);
      const nonces = sent.map((m) => m.nonce);
      const base = deliveryNonce(id, "2026-03-12T08:00@UTC");
      expect(nonces).toEqual(Array.from({ length: total }, (_, i) => `${base}${String(i).padStart(3, "0")}`));
      expect(sent.map((m) => m.embeds.length).reduce((x, y) => x + y, 0)).toBe(symbols.length);
    } finally {
      emu.clearFaults();
      await aTick?.catch(() => undefined);
      await b.close();
    }
  }, 120_000);

  it("tells whoever set the digest up, once, by direct message when the channel is paused", async () => {
    const db = freshDb();
    const a = await instance(db);
    const b = await instance(db);
    const id = await follow(a.app, "told", ["AAPL"], { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    await a.app.store.setDigestContact(id, "830000000000000001");
    emu.failChannel(id, "missingPermissions");
    try {
      const report = await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      expect(report.skipped.map((s) => s.reason)).toEqual([expect.stringContaining("Missing Permissions")]);
      const dms = emu.directMessages("830000000000000001");
      expect(dms).toHaveLength(1);
      expect(dms[0]?.content).toContain(`<#${id}>`);
      expect(dms[0]?.content).toContain("/digest schedule");
      expect(dms[0]?.allowedMentions).toEqual({ parse: [] });
      // The other instance (and later ticks) do not tell again.
      await b.scheduler.tick(new Date("2026-03-13T08:00:00Z"));
      await a.scheduler.tick(new Date("2026-03-16T08:00:00Z"));
      expect(emu.directMessages("830000000000000001")).toHaveLength(1);
    } finally {
      emu.clearFaults();
      await a.close();
      await b.close();
    }
  });

  it("without a contact, tells the server in its system channel", async () => {
    const a = await instance(freshDb());
    const id = SYSTEM_GUILD_DIGEST;
    await a.app.store.addWatch(id, SYSTEM_GUILD, "AAPL", 25);
    await a.app.store.setSchedule(id, SYSTEM_GUILD, { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
    emu.failChannel(id, "unknownChannel");
    try {
      await a.scheduler.tick(new Date("2026-03-12T08:00:00Z"));
      const notices = posts(channel.system);
      expect(notices).toHaveLength(1);
      expect(notices[0]?.content).toContain("Unknown Channel");
      expect((await a.app.store.getChannel(id))?.pauseNotifiedAt).toEqual(expect.any(String));
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
