/**
 * Digest at scale: N tickers (real symbols from the directory) × S stories each, served by local
 * feed and article servers, the OpenAI stand-in answering instantly, C channels following K
 * tickers each (seeded, covering every ticker) in a temporary SQLite store. The per-ticker
 * digests are built once for all channels (the union of their tickers); each channel's message
 * is then planned from the shared TickerDigests. Discord's own pacing is computed, not waited.
 *
 *   npx node bench/digest-scale.ts                         # 1,000 tickers, 20 stories, 10,000 channels
 *   npx node bench/digest-scale.ts --tickers 100 --channels 1000   # quick run
 *   DIGEST_BENCH_TICKERS=100 DIGEST_BENCH_CHANNELS=1000 npx node bench/digest-scale.ts
 *   npx node bench/digest-scale.ts --default-flags          # the digest process without npm start's node flags
 *   npx node bench/digest-scale.ts --node-flag --max-old-space-size=1024   # npm start's flags plus this one
 *   npx node bench/digest-scale.ts --sqlite-sync full       # override the store's PRAGMA synchronous
 *
 * Three processes, so the peak RSS reported is the digest's alone: this one only orchestrates
 * and prints; the stand-ins (feeds, article pages, model) run in bench/lib/digest-world-server.ts;
 * the digest (product code only) runs in bench/lib/digest-scale-worker.ts, started with the node
 * flags of package.json's start script, as the bot runs it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SYNTHESIS_SCHEMA_NAME } from "../src/adapters/llm/openai-synthesis.ts";
import type { WorkerBuilt, WorkerRepeated, WorkerRequest } from "./lib/digest-scale-worker.ts";
import type { WorldReady, WorldRequest, WorldStats } from "./lib/digest-world-server.ts";
import { startCommand, startScriptNodeFlags } from "./lib/start-flags.ts";

export interface DigestScaleOptions {
  tickers?: number;
  storiesPerTicker?: number;
  channels?: number;
  tickersPerChannel?: number;
  /** Article outlets (one loopback host each). */
  outlets?: number;
  /** Stories summarized per ticker in a digest. */
  storyCap?: number;
  articleConcurrency?: number;
  seed?: number;
  /** Overrides the store's own `PRAGMA synchronous` (WAL + NORMAL). */
  sqliteSynchronous?: "FULL" | "NORMAL";
  /** Node flags of the digest process (default: those of package.json's start script). */
  nodeFlags?: string[];
  /** Flags added after those (e.g. --max-old-space-size=1024 to try a start script change). */
  extraNodeFlags?: string[];
}

export interface Row {
  metric: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const WORLD_SERVER = fileURLToPath(new URL("./lib/digest-world-server.ts", import.meta.url));
const WORKER = fileURLToPath(new URL("./lib/digest-scale-worker.ts", import.meta.url));
/** Discord's global limit is 50 requests/s; the planned pacer keeps a margin. */
const DISCORD_GLOBAL_PER_S = 50;
const PACER_PER_S = 45;

/**
 * Send times (µs) from a token bucket of capacity 1 refilled at `perSecond` (evenly spaced sends),
 * and the most sends falling in any half-open 1-s window of that schedule.
 */
function paceSends(count: number, perSecond: number): { durationS: number; maxInAnySecond: number } {
  const times = Array.from({ length: count }, (_, k) => Math.ceil((k * 1_000_000) / perSecond));
  let maxInWindow = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= 1_000_000) start++;
    maxInWindow = Math.max(maxInWindow, end - start + 1);
  }
  return { durationS: (times.at(-1) ?? 0) / 1_000_000, maxInAnySecond: maxInWindow };
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(0)} MB`;
}

/** A child speaking JSON lines on stdout: the next line, or an error when it exits first. */
function jsonLines(child: ChildProcess, name: string): () => Promise<unknown> {
  const lines = createInterface({ input: child.stdout ?? process.stdin })[Symbol.asyncIterator]();
  let exited: Promise<never> | undefined;
  const onExit = () =>
    (exited ??= new Promise<never>((_, reject) => child.once("exit", (code, signal) => reject(new Error(`${name} exited (${code ?? signal})`)))));
  onExit().catch(() => {});
  return async () => {
    for (;;) {
      const next = await Promise.race([lines.next(), onExit()]);
      if (next.done) throw new Error(`${name} closed its output`);
      if (next.value.startsWith("{")) return JSON.parse(next.value) as unknown;
      // Anything else (e.g. --trace-gc output) is passed through.
      process.stderr.write(`${next.value}\n`);
    }
  };
}

async function getStats(url: string): Promise<WorldStats> {
  const response = await fetch(url);
  return (await response.json()) as WorldStats;
}

function flagsOrigin(options: DigestScaleOptions): string {
  const base = options.nodeFlags === undefined ? "npm start's flags" : options.nodeFlags.length === 0 ? "no flags" : "given flags";
  return options.extraNodeFlags?.length ? `${base} + ${options.extraNodeFlags.join(" ")}` : base;
}

const llmCallsOf = (stats: WorldStats) => (stats.llm["brief"] ?? 0) + (stats.llm[SYNTHESIS_SCHEMA_NAME] ?? 0);

export async function runDigestScaleBench(options: DigestScaleOptions = {}): Promise<Row[]> {
  const tickerCount = options.tickers ?? 1_000;
  const storiesPerTicker = options.storiesPerTicker ?? 20;
  const channelCount = options.channels ?? 10_000;
  const perChannel = Math.min(options.tickersPerChannel ?? 5, tickerCount);
  const seed = options.seed ?? 42;
  const nowMs = Date.now();
  const nodeFlags = [...(options.nodeFlags ?? startScriptNodeFlags()), ...(options.extraNodeFlags ?? [])];

  const worldRequest: WorldRequest = { tickerCount, storiesPerTicker, outlets: options.outlets ?? 8, nowMs, seed };
  const world = spawn(process.execPath, [WORLD_SERVER, JSON.stringify(worldRequest)], { stdio: ["pipe", "pipe", "inherit"] });
  const worker = spawn(process.execPath, [...nodeFlags, WORKER], { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ...startCommand().env } });
  const nextFromWorld = jsonLines(world, "world server");
  const nextFromWorker = jsonLines(worker, "digest process");
  const dir = mkdtempSync(join(tmpdir(), "mb-digest-bench-"));
  try {
    const ready = (await nextFromWorld()) as WorldReady;
    const request: WorkerRequest = {
      symbols: ready.tickers.map((t) => t.symbol),
      templates: ready.templates,
      llmUrl: ready.llmUrl,
      dbPath: join(dir, "bench.sqlite"),
      channels: channelCount,
      tickersPerChannel: perChannel,
      seed,
      nowMs,
      articleConcurrency: options.articleConcurrency ?? 8,
      ...(options.storyCap !== undefined ? { storyCap: options.storyCap } : {}),
      ...(options.sqliteSynchronous !== undefined ? { sqliteSynchronous: options.sqliteSynchronous } : {}),
    };
    worker.stdin?.write(`${JSON.stringify(request)}\n`);
    const built = (await nextFromWorker()) as WorkerBuilt;
    const stats = await getStats(ready.statsUrl);
    worker.stdin?.write("repeat\n");
    const repeated = (await nextFromWorker()) as WorkerRepeated;
    const afterRepeat = await getStats(ready.statsUrl);

    const llmCalls = llmCallsOf(stats);
    const repeatCalls = llmCallsOf(afterRepeat) - llmCalls;
    const minimum = built.summarizedStories + built.synthesizedTickers;
    const wallMs = built.buildMs + built.planMs;
    const pacing = paceSends(built.messages, PACER_PER_S);
    return [
      {
        metric: "digest process runtime",
        value: `Node ${built.node}, ${built.execArgv.join(" ") || "default V8 flags"} (${flagsOrigin(options)}); SQLite journal_mode=${built.sqlite.journalMode}, synchronous=${built.sqlite.synchronous}${options.sqliteSynchronous === undefined ? " (store default)" : ""}`,
      },
      { metric: "tickers × stories in feeds", value: `${ready.tickers.length} × ${storiesPerTicker} (${(ready.tickers.length * storiesPerTicker).toLocaleString("en")} items)` },
      { metric: "channels × tickers each", value: `${built.channels.toLocaleString("en")} × ${perChannel}` },
      { metric: "feed requests (2 feeds per ticker)", value: String(stats.feedRequests) },
      { metric: "stories in digests (after since + cap)", value: String(built.uniqueStories) },
      {
        metric: "LLM calls vs minimum (stories + tickers)",
        value: `${llmCalls} vs ${minimum} (${stats.llm["brief"] ?? 0} briefs + ${stats.llm[SYNTHESIS_SCHEMA_NAME] ?? 0} syntheses)`,
        target: "= minimum",
        ok: llmCalls === minimum,
      },
      {
        metric: "article pages fetched vs unique stories",
        value: `${stats.pageRequests} (${stats.uniquePagesRequested} distinct) vs ${built.summarizedStories}`,
        target: "= unique stories",
        ok: stats.pageRequests === built.summarizedStories,
      },
      { metric: "build (all tickers, once)", value: `${(built.buildMs / 1000).toFixed(1)} s` },
      { metric: "plan messages (per channel)", value: `${(built.planMs / 1000).toFixed(2)} s, ${built.messages.toLocaleString("en")} messages` },
      { metric: "wall time (excl. Discord pacing)", value: `${(wallMs / 1000).toFixed(1)} s`, target: "< 60 s", ok: wallMs < 60_000 },
      {
        metric: "peak RSS (digest process)",
        value: `${mb(built.peakRss)} (${mb(built.rssBeforeBuild)} before the build: directory, extractor, store, subscriptions)`,
        target: "< 400 MB",
        ok: built.peakRss < 400 * 1_048_576,
      },
      {
        metric: "Discord sends paced",
        value: `${pacing.maxInAnySecond}/s max in any 1-s window at ${PACER_PER_S}/s, ${pacing.durationS.toFixed(0)} s to send all`,
        target: `≤ ${DISCORD_GLOBAL_PER_S}/s`,
        ok: pacing.maxInAnySecond <= DISCORD_GLOBAL_PER_S,
      },
      {
        metric: "repeat build: LLM calls, time, peak RSS",
        value: `${repeatCalls}, ${(repeated.repeatMs / 1000).toFixed(1)} s, ${mb(repeated.peakRss)}`,
        target: "0 calls",
        ok: repeatCalls === 0,
      },
    ];
  } finally {
    worker.kill();
    world.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(rows: readonly Row[]): void {
  const header = ["metric", "value", "target", "ok"];
  const cells = rows.map((r) => [r.metric, r.value, r.target ?? "", r.ok === undefined ? "" : r.ok ? "yes" : "NO"]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const c of cells) console.log(line(c));
}

function numberArg(name: string, envName: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  const raw = index >= 0 ? process.argv[index + 1] : process.env[envName];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} / ${envName} must be a positive whole number`);
  return value;
}

if (import.meta.main) {
  const options: DigestScaleOptions = {};
  const tickers = numberArg("tickers", "DIGEST_BENCH_TICKERS");
  const channels = numberArg("channels", "DIGEST_BENCH_CHANNELS");
  const stories = numberArg("stories", "DIGEST_BENCH_STORIES");
  const cap = numberArg("cap", "DIGEST_BENCH_CAP");
  const articleConcurrency = numberArg("article-concurrency", "DIGEST_BENCH_ARTICLE_CONCURRENCY");
  if (tickers !== undefined) options.tickers = tickers;
  if (channels !== undefined) options.channels = channels;
  if (stories !== undefined) options.storiesPerTicker = stories;
  if (cap !== undefined) options.storyCap = cap;
  if (articleConcurrency !== undefined) options.articleConcurrency = articleConcurrency;
  if (process.argv.includes("--default-flags")) options.nodeFlags = [];
  const extra = process.argv.flatMap((arg, i) => (arg === "--node-flag" ? [process.argv[i + 1] ?? ""] : [])).filter(Boolean);
  if (extra.length > 0) options.extraNodeFlags = extra;
  const sync = (process.argv.includes("--sqlite-sync") ? process.argv[process.argv.indexOf("--sqlite-sync") + 1] : process.env.DIGEST_BENCH_SQLITE_SYNC)?.toUpperCase();
  if (sync === "FULL" || sync === "NORMAL") options.sqliteSynchronous = sync;
  printTable(await runDigestScaleBench(options));
  process.exit(0);
}
