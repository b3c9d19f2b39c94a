/**
 * Delivery under faults: 200 channels with a digest slot in the same minute, posted through the
 * real scheduler (src/jobs/scheduler.ts → delivery.ts), discord.js's REST client configured as
 * the bot's, a SQLite ledger, against the local Discord emulator. One channel is rate-limited for
 * 150 s; 5 % of the others fail one send with a 500. Measured: time until the last unaffected
 * channel has its whole digest (target < 60 s), duplicates (0), losses (0).
 *
 * The digests themselves come from a stand-in builder (a fixed digest of 12 tickers, two messages
 * per channel): this measures delivery, not news work (see digest-scale for that).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REST } from "discord.js";
import { openSqliteStore } from "../src/adapters/store/sqlite-store.ts";
import type { Digest, DigestBuilder, TickerDigest } from "../src/core/digest.ts";
import { createDigestComposer } from "../src/discord/digest-charts.ts";
import { createDiscordSender, rejectLongChannelRateLimits } from "../src/discord/publisher.ts";
import { createDigestScheduler } from "../src/jobs/scheduler.ts";
import { silentLogger } from "../src/logger.ts";
import { startDiscordEmulator } from "../test/support/discord-emulator/index.ts";
import { formatRows, round, type BenchRow } from "./lib/table.ts";

const CHANNELS = 200;
const FAILING_ONCE = Math.round(CHANNELS * 0.05);
const LIMITED_FOR_MS = 150_000;
const GUILD = "810000000000000001";
const SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BABA", "9988.HK", "SAP.DE", "JPM", "INTC"];
const SLOT_AT = new Date("2026-03-12T08:00:00Z");

const channelIds = Array.from({ length: CHANNELS }, (_, i) => `8300000000000${String(i).padStart(5, "0")}`);

function tickerDigest(symbol: string): TickerDigest {
  return {
    symbol,
    name: `${symbol} Inc.`,
    tone: null,
    bullets: [],
    mode: "headlines",
    stories: [
      {
        id: `${symbol}-1`,
        title: `${symbol} reports quarterly revenue up 12 percent, ahead of analysts' expectations`,
        url: `https://news.example/${encodeURIComponent(symbol)}/quarterly`,
        publishedAt: "2026-03-12T06:00:00.000Z",
        sources: [{ outlet: "Example Wire", url: `https://news.example/${encodeURIComponent(symbol)}/quarterly` }],
      },
    ],
  };
}

const builder: DigestBuilder = {
  async build(request): Promise<Digest> {
    return {
      generatedAt: (request.now ?? new Date()).toISOString(),
      language: request.language,
      since: request.since.toISOString(),
      tickers: request.symbols.map(tickerDigest),
      warnings: [],
    };
  },
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mb-bench-delivery-"));
  const emu = await startDiscordEmulator({
    guilds: [{ id: GUILD, name: "Bench", channels: channelIds.map((id, i) => ({ id, name: `digest-${i}` })) }],
  });
  const store = openSqliteStore(join(dir, "ledger.db"));
  for (const id of channelIds) {
    for (const symbol of SYMBOLS) await store.addWatch(id, GUILD, symbol, 25);
    await store.setSchedule(id, GUILD, { time: "08:00", timeZone: "UTC", weekdaysOnly: true });
  }
  // As the bot's client: default retries (5xx retried by discord.js), long channel rate limits handed to the delivery.
  const rest = new REST({ api: emu.apiUrl, rejectOnRateLimit: rejectLongChannelRateLimits }).setToken(emu.token);
  const scheduler = createDigestScheduler({ store, builder, sender: createDiscordSender(rest), compose: createDigestComposer(undefined), log: silentLogger, catchupHours: 6, now: () => SLOT_AT });

  const limited = channelIds[0] as string;
  const started = Date.now();
  emu.injectFault({ method: "POST", path: `/channels/${limited}/messages`, fault: "rateLimit", untilMs: started + LIMITED_FOR_MS });
  const failing = channelIds.slice(1).filter((_, i) => i % Math.floor((CHANNELS - 1) / FAILING_ONCE) === 0).slice(0, FAILING_ONCE);
  for (const id of failing) emu.injectFault({ method: "POST", path: `/channels/${id}/messages`, fault: "serverError", status: 500, times: 1 });

  const posted = (id: string) => emu.channelMessages(id).filter((m) => m.source === "channel");
  const planned = new Map<string, number>();
  const plannedOf = async (id: string): Promise<number> => {
    const known = planned.get(id);
    if (known !== undefined) return known;
    const plan = (await store.deliveryProgress(id, "2026-03-12T08:00@UTC")).plan;
    if (plan === undefined) return Number.POSITIVE_INFINITY;
    const count = (JSON.parse(plan) as unknown[]).length;
    planned.set(id, count);
    return count;
  };
  const unaffected = channelIds.filter((id) => id !== limited);
  let unaffectedDoneMs = Number.NaN;
  const watcher = (async () => {
    for (;;) {
      let done = 0;
      for (const id of unaffected) if (posted(id).length >= (await plannedOf(id))) done++;
      if (done === unaffected.length) {
        unaffectedDoneMs = Date.now() - started;
        return;
      }
      if (Date.now() - started > LIMITED_FOR_MS + 120_000) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  const report = await scheduler.tick(SLOT_AT);
  const allDoneMs = Date.now() - started;
  await watcher;

  let duplicates = 0;
  let losses = 0;
  let messages = 0;
  for (const id of channelIds) {
    const want = await plannedOf(id);
    const got = posted(id);
    messages += got.length;
    const nonces = new Set(got.map((m) => m.nonce));
    duplicates += got.length - nonces.size + Math.max(0, got.length - want);
    if (!Number.isFinite(want) || nonces.size < want) losses++;
  }
  const fiveHundreds = emu.requests.filter((r) => r.status === 500).length;
  const limitedHits = emu.requests.filter((r) => r.status === 429 && r.path === `/channels/${limited}/messages`).length;

  const rows: BenchRow[] = [
    { metric: "channels with a slot in the same minute", value: CHANNELS, unit: "", target: "", pass: "" },
    { metric: "messages posted (2 per digest)", value: messages, unit: "", target: String(CHANNELS * 2), pass: messages === CHANNELS * 2 },
    { metric: "sends answered 500 once (retried)", value: fiveHundreds, unit: "", target: String(FAILING_ONCE), pass: "" },
    { metric: "429s seen by the rate-limited channel", value: limitedHits, unit: "", target: "", pass: "" },
    { metric: "last unaffected channel complete", value: round(unaffectedDoneMs / 1000, 1), unit: "s", target: "< 60", pass: unaffectedDoneMs < 60_000 },
    { metric: "rate-limited channel complete (limit 150 s)", value: round(allDoneMs / 1000, 1), unit: "s", target: "after its limit", pass: "" },
    { metric: "delivered in the tick report", value: report.delivered.length, unit: "", target: String(CHANNELS), pass: report.delivered.length === CHANNELS },
    { metric: "duplicates", value: duplicates, unit: "", target: "0", pass: duplicates === 0 },
    { metric: "losses (channels missing a message)", value: losses, unit: "", target: "0", pass: losses === 0 },
  ];
  process.stdout.write(`${formatRows(rows)}\n`);
  await scheduler.stop(1000);
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await store.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
