/**
 * First-use latency, acknowledgement latency and memory of the real bot process (`src/main.ts`,
 * as `npm start` runs it) connected to the local Discord emulator.
 *
 * - first use: the first /watch autocomplete and the first /summarize after the bot connects
 *   (everything is loaded at start, so they should be as fast as any later one).
 * - RSS: /proc/<pid>/status VmRSS of the bot after a forced GC: idle right after connecting, and
 *   after 60 briefs of different articles (each a model request) and 20 autocompletes.
 * - ack latency: emulator's INTERACTION_CREATE send → the bot's accepted defer callback, over
 *   sequential /summarize interactions (cached article, so the run measures the bot, not the model)
 *   and over bursts of concurrent ones.
 *
 * The bot runs with the Node flags of `npm start` (package.json "start"), as users run it.
 *
 *   npx node bench/discord-ack.ts            # prints a table
 *   BENCH_NODE_FLAGS="" BENCH_SYMBOLS_PATH=tiny.csv npx node bench/discord-ack.ts
 *                                            # memory experiments: other V8 flags ("" = none), a minimal symbol directory
 *   import { runDiscordBench } from "./discord-ack.ts"
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { commands } from "../commands/index.ts";
import { deployCommands } from "../src/discord/deploy.ts";
import { startDiscordEmulator, type InteractionHandle } from "../test/support/discord-emulator/index.ts";
import { startTestServer } from "../test/support/http-server.ts";
import { startOpenAiServer } from "../test/support/openai-server.ts";
import { startCommand } from "./lib/start-flags.ts";
import { formatRows, type BenchRow } from "./lib/table.ts";

export interface DiscordBenchOptions {
  /** Sequential interactions measured (default 200). */
  interactions?: number;
  /** Concurrent interactions per burst, and bursts (default 4 bursts of 25). */
  burstSize?: number;
  bursts?: number;
  /** Node flags for the bot process (default: those of the package's "start" script). */
  nodeFlags?: string[];
  /** SYMBOLS_PATH for the bot (e.g. a tiny CSV, to measure the bot without the shipped directory). */
  symbolsPath?: string;
  /** Extra environment for the bot process (e.g. { MALLOC_ARENA_MAX: "2" }). */
  env?: Record<string, string>;
}

const BRIEFS = 60;
const AUTOCOMPLETES = 20;
const AUTOCOMPLETE_QUERIES = ["ali", "tencnt", "sap", "9988", "deutsche bank", "microsfot", "xiaomi", "nvid", "baba", "merc", "siemens", "apple", "tesl", "asml", "allianz", "bayer", "meituan", "jd", "pdd", "byd"];

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const ARTICLE = readFileSync(new URL("../test/fixtures/discord/article.html", import.meta.url), "utf8");
// Lets the bench force a full GC in the bot before reading its RSS.
const GC_HOOK = 'data:text/javascript,process.on("SIGUSR2",()=>globalThis.gc?.())';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

async function rssAfterGc(pid: number): Promise<number> {
  process.kill(pid, "SIGUSR2");
  await sleep(300);
  process.kill(pid, "SIGUSR2");
  await sleep(700);
  return rssMb(pid);
}

/** Waits for the defer and the brief; returns the ack latency the emulator measured. */
async function settle(h: InteractionHandle): Promise<number> {
  await h.waitForAck(10_000);
  await h.waitForReply((m) => m.embeds.length > 0, 30_000);
  return h.ackLatencyMs ?? Number.NaN;
}

function row(metric: string, value: number, unit: string, target = "", limit?: number): BenchRow {
  return { metric, value, unit, target, pass: limit === undefined ? "" : value < limit };
}

export async function runDiscordBench(options: DiscordBenchOptions = {}): Promise<BenchRow[]> {
  const interactions = options.interactions ?? 200;
  const burstSize = options.burstSize ?? 25;
  const bursts = options.bursts ?? 4;
  const start = startCommand();
  const nodeFlags = options.nodeFlags ?? start.flags;
  const dir = mkdtempSync(join(tmpdir(), "marketbrief-ack-bench-"));
  const web = await startTestServer({ "/article": { headers: { "content-type": "text/html; charset=utf-8" }, body: ARTICLE } });
  // Distinct articles for distinct briefs: the same page under 60 paths is 60 cache misses.
  for (let i = 0; i < BRIEFS; i++) web.route(`/article-${i}`, { headers: { "content-type": "text/html; charset=utf-8" }, body: ARTICLE });
  const llm = await startOpenAiServer();
  const emu = await startDiscordEmulator({ rateLimit: { limit: 100_000, windowMs: 1000 } });
  let stderrTail = "";
  const child = spawn(process.execPath, [...nodeFlags, "--expose-gc", `--import=${GC_HOOK}`, MAIN], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiUrl,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: "bench",
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      DATABASE_URL: `sqlite:${join(dir, "bench.db")}`,
      MARKET_DATA_URL: "off",
      SUMMARIZE_COOLDOWN_S: "0",
      GUILD_DAILY_BRIEFS: "0",
      LOG_LEVEL: "info",
      ...(options.symbolsPath ? { SYMBOLS_PATH: options.symbolsPath } : {}),
      ...start.env,
      ...options.env,
    },
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderrTail = (stderrTail + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const url = `${web.url}/article`;
  const dispatchFor = (link: string, i: number): InteractionHandle =>
    emu.dispatchSlashCommand({ name: "summarize", options: { url: link }, user: { id: String(400000000000000000n + BigInt(i)) } });
  const dispatch = (i: number): InteractionHandle => dispatchFor(url, i);

  try {
    await deployCommands(commands, { token: emu.token, apiUrl: emu.apiUrl });
    await emu.waitFor(() => emu.gatewayStats.connected && emu.gatewayStats.identifies > 0, 30_000, "bot to connect").catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\nbot stderr:\n${stderrTail}`);
    });
    await sleep(1500);
    const pid = child.pid as number;
    const idleRss = await rssAfterGc(pid);

    const complete = async (ticker: string) => {
      const started = performance.now();
      const h = emu.dispatchAutocomplete({ name: "watch", subcommand: "add", options: { ticker }, focused: "ticker" });
      await h.waitForAck(10_000);
      if (!h.autocompleteChoices?.length) throw new Error(`no autocomplete choices for "${ticker}"`);
      return performance.now() - started;
    };

    // First use, right after the start: both answer from what was loaded before login.
    const firstComplete = await complete(AUTOCOMPLETE_QUERIES[0] ?? "ali");
    const firstStarted = performance.now();
    const firstAck = await settle(dispatchFor(`${web.url}/article-0`, 0));
    const firstMs = performance.now() - firstStarted;

    // 60 briefs of different articles (each a model request) and 20 autocompletes in all.
    for (let i = 1; i < BRIEFS; i++) await settle(dispatchFor(`${web.url}/article-${i}`, i));
    const completions: number[] = [];
    for (const ticker of AUTOCOMPLETE_QUERIES.slice(1, AUTOCOMPLETES)) completions.push(await complete(ticker));
    const usedRssAsIs = rssMb(pid);
    const usedRss = await rssAfterGc(pid);

    const sequential: number[] = [];
    for (let i = 0; i < interactions; i++) sequential.push(await settle(dispatch(1000 + i)));
    const burst: number[] = [];
    for (let b = 0; b < bursts; b++) {
      const handles = Array.from({ length: burstSize }, (_, i) => dispatch(5000 + b * burstSize + i));
      burst.push(...(await Promise.all(handles.map(settle))));
    }
    const busyRss = await rssAfterGc(pid);

    const seq = sequential.toSorted((a, b) => a - b);
    const bur = burst.toSorted((a, b) => a - b);
    return [
      { metric: "bot node flags (and start env)", value: [...Object.entries(start.env).map(([k, v]) => `${k}=${v}`), ...nodeFlags].join(" ") || "(none)", unit: "", target: "", pass: "" },
      row("idle RSS after connect, after GC", idleRss, "MB"),
      row("first /watch autocomplete after start: answered", Math.round(firstComplete), "ms", "< 250", 250),
      row("first /summarize after start: acknowledged", firstAck, "ms", "< 250", 250),
      row("first /summarize after start: brief posted (model stand-in answers at once)", Math.round(firstMs), "ms"),
      row(`later /watch autocompletes, max of ${completions.length}`, Math.round(Math.max(...completions)), "ms"),
      row(`RSS after ${BRIEFS} briefs and ${AUTOCOMPLETES} autocompletes, as it stands`, usedRssAsIs, "MB", "<= 200", 200.1),
      row(`RSS after ${BRIEFS} briefs and ${AUTOCOMPLETES} autocompletes, after GC`, usedRss, "MB", "<= 200", 200.1),
      row(`ack latency p50 (${interactions} sequential)`, percentile(seq, 50), "ms"),
      row(`ack latency p99 (${interactions} sequential)`, percentile(seq, 99), "ms", "< 100", 100),
      row(`ack latency max (${interactions} sequential)`, seq.at(-1) ?? Number.NaN, "ms"),
      row(`ack latency p50 (${bursts}×${burstSize} concurrent)`, percentile(bur, 50), "ms"),
      row(`ack latency p99 (${bursts}×${burstSize} concurrent)`, percentile(bur, 99), "ms", "< 100", 100),
      row(`RSS after ${interactions + bursts * burstSize} more interactions, after GC`, busyRss, "MB"),
    ];
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await emu.close();
    await llm.close();
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean);
  const symbolsPath = process.env.BENCH_SYMBOLS_PATH;
  const rows = await runDiscordBench({ ...(flags ? { nodeFlags: flags } : {}), ...(symbolsPath ? { symbolsPath } : {}) });
  process.stdout.write(`${formatRows(rows)}\n`);
}
