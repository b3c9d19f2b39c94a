/**
 * Digest slots spread over 1 and 3 bot processes on one PostgreSQL: C channels following K of N
 * tickers (S stories each, feeds, pages and an instantly answering model served by
 * bench/lib/digest-world-server.ts), all with a slot that just fell due. Each process runs the
 * real scheduler's catch-up (claims in the database) and posts through discord.js's REST client
 * to the Discord emulator, which records every post. Reported: wall time until every process is
 * done (build + posts; each process paces its own REST client at discord.js's 50 req/s, so more
 * processes also post faster, which one real bot token would not allow), model calls against
 * the minimum, duplicate posts, and each process's peak RSS.
 *
 *   npx node bench/digest-processes.ts                 # 100 tickers × 10 stories, 300 channels × 5
 *   npx node bench/digest-processes.ts --channels 1000 --tickers 200
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SYNTHESIS_SCHEMA_NAME } from "../src/adapters/llm/openai-synthesis.ts";
import { openStore } from "../src/adapters/store/open-store.ts";
import { latestSlotAtOrBefore } from "../src/core/slots.ts";
import { startDiscordEmulator } from "../test/support/discord-emulator/index.ts";
import { snowflake } from "../test/support/discord-emulator/model.ts";
import { startPostgres } from "../test/support/postgres-server.ts";
import type { ProcessDone, ProcessRequest } from "./lib/digest-process-worker.ts";
import type { WorldReady, WorldRequest, WorldStats } from "./lib/digest-world-server.ts";
import { seededRandom } from "./lib/seeded-random.ts";

const WORLD_SERVER = fileURLToPath(new URL("./lib/digest-world-server.ts", import.meta.url));
const WORKER = fileURLToPath(new URL("./lib/digest-process-worker.ts", import.meta.url));

function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

function firstJsonLine(child: ChildProcess, name: string): () => Promise<unknown> {
  const lines = createInterface({ input: child.stdout ?? process.stdin })[Symbol.asyncIterator]();
  return async () => {
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new Error(`${name} ended without an answer`);
      if (next.value.startsWith("{")) return JSON.parse(next.value) as unknown;
    }
  };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const llmCalls = (s: WorldStats) => (s.llm["brief"] ?? 0) + (s.llm[SYNTHESIS_SCHEMA_NAME] ?? 0);

interface RunResult {
  processes: number;
  wallMs: number;
  llmCalls: number;
  minimum: number;
  channelsPosted: number;
  duplicates: number;
  delivered: number[];
  peakRss: number[];
}

async function runOnce(processes: number, size: { tickers: number; stories: number; channels: number; perChannel: number }): Promise<RunResult> {
  const nowMs = Date.now();
  const worldRequest: WorldRequest = { tickerCount: size.tickers, storiesPerTicker: size.stories, outlets: 8, nowMs, seed: 7 };
  const world = spawn(process.execPath, [WORLD_SERVER, JSON.stringify(worldRequest)], { stdio: ["pipe", "pipe", "inherit"] });
  const pg = await startPostgres();
  const channelIds = Array.from({ length: size.channels }, () => snowflake());
  const guildId = snowflake();
  const emu = await startDiscordEmulator({ guilds: [{ id: guildId, name: "Bench", channels: channelIds.map((id, i) => ({ id, name: `c${i}` })) }] });
  const workers: ChildProcess[] = [];
  try {
    const ready = (await firstJsonLine(world, "world server")()) as WorldReady;
    const symbols = ready.tickers.map((t) => t.symbol);
    const watched = new Set<string>();
    const store = await openStore({ kind: "postgres", url: pg.url });
    const random = seededRandom(11);
    const at = new Date(nowMs - 60_000);
    const schedule = { time: at.toISOString().slice(11, 16), timeZone: "UTC", weekdaysOnly: false };
    for (const [i, channelId] of channelIds.entries()) {
      const chosen = new Set<string>([symbols[i % symbols.length] ?? ""]);
      while (chosen.size < size.perChannel) chosen.add(symbols[Math.floor(random() * symbols.length)] ?? "");
      for (const symbol of chosen) {
        await store.addWatch(channelId, guildId, symbol, 50);
        watched.add(symbol);
      }
      await store.setSchedule(channelId, guildId, schedule);
    }
    await store.close();
    const slotKey = latestSlotAtOrBefore(new Date(nowMs), schedule).slotKey;

    const env = {
      DATABASE_URL: pg.url,
      MARKET_DATA_URL: "off",
      OPENAI_BASE_URL: ready.llmUrl,
      OPENAI_API_KEY: "bench",
      LLM_MODEL: "bench-model",
      NEWS_FEEDS: ready.templates.join(" "),
      FETCH_ALLOW_PRIVATE: "127.0.0.0/8",
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiUrl,
      DIGEST_CATCHUP_HOURS: "6",
    };
    const nexts = [];
    for (let i = 0; i < processes; i++) {
      const request: ProcessRequest = { env, instanceId: `bench-${i}`, nowMs };
      const child = spawn(process.execPath, ["--max-semi-space-size=1", "--v8-pool-size=1", "--liftoff-only", WORKER, JSON.stringify(request)], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      workers.push(child);
      nexts.push(firstJsonLine(child, `process ${i}`));
    }
    await Promise.all(nexts.map((next) => next()));
    const started = performance.now();
    for (const child of workers) child.stdin?.write("go\n");
    const done = (await Promise.all(nexts.map((next) => next()))) as ProcessDone[];
    const wallMs = performance.now() - started;
    const stats = (await (await fetch(ready.statsUrl)).json()) as WorldStats;

    // Duplicate posts: the same channel receiving a message nonce twice (each slot's messages carry distinct nonces).
    const posts = emu.messages.filter((m) => m.source === "channel");
    const perChannel = new Map<string, Set<string>>();
    let duplicates = 0;
    for (const post of posts) {
      const nonces = perChannel.get(post.channelId) ?? new Set<string>();
      const nonce = String(post.nonce);
      if (nonces.has(nonce)) duplicates++;
      nonces.add(nonce);
      perChannel.set(post.channelId, nonces);
    }
    const verify = await openStore({ kind: "postgres", url: pg.url });
    let sent = 0;
    for (const channelId of channelIds) if ((await verify.lastDeliveredSlot(channelId)) === slotKey) sent++;
    await verify.close();
    return {
      processes,
      wallMs,
      llmCalls: llmCalls(stats),
      // Each distinct article read once (briefs) and each watched ticker synthesized once.
      minimum: stats.uniquePagesRequested + watched.size,
      channelsPosted: sent,
      duplicates,
      delivered: done.map((d) => d.delivered),
      peakRss: done.map((d) => d.peakRss),
    };
  } finally {
    for (const child of workers) child.kill();
    world.kill();
    await emu.close();
    await pg.close();
  }
}

if (import.meta.main) {
  const size = { tickers: numberArg("tickers", 100), stories: numberArg("stories", 10), channels: numberArg("channels", 300), perChannel: numberArg("per-channel", 5) };
  const results: RunResult[] = [];
  for (const processes of [1, 3]) results.push(await runOnce(processes, size));
  console.log(`${size.channels} channels × ${size.perChannel} of ${size.tickers} tickers × ${size.stories} stories, one PostgreSQL, every channel due at once\n`);
  console.log("| processes | wall time (build + posts) | model calls vs minimum | channels posted | duplicate posts | slots per process | peak RSS per process |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.processes} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.llmCalls} vs ${r.minimum}${r.llmCalls === r.minimum ? " (= minimum)" : " (NOT minimum)"} | ${r.channelsPosted} / ${size.channels} | ${r.duplicates} | ${r.delivered.join(" / ")} | ${r.peakRss.map(mb).join(" / ")} |`,
    );
  }
  process.exit(0);
}
