/**
 * Scale-out: two real bot processes (`node src/main.ts`), SHARD_COUNT=2 with SHARD_IDS=0 and 1,
 * on one PostgreSQL, against an emulated Discord with two shards. Every interaction is answered
 * by exactly one process (the one holding the guild's shard); a scheduled slot is posted once;
 * after `kill -9` of one process, the next slot is still posted once, by the survivor.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../commands/index.ts";
import { openStore } from "../src/adapters/store/open-store.ts";
import { latestSlotAtOrBefore } from "../src/core/slots.ts";
import type { DigestSchedule, Store } from "../src/core/store.ts";
import { deployCommands } from "../src/discord/deploy.ts";
import { guildIdOnShard, startDiscordEmulator, type DiscordEmulator, type InteractionHandle } from "./support/discord-emulator/index.ts";
import { snowflake } from "./support/discord-emulator/model.ts";
import { serveDailyWire } from "./support/daily-wire.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { freePort, postgresForTests, startPostgres, type PostgresServer } from "./support/postgres-server.ts";
import { PROJECT_ROOT } from "./support/run-cli.ts";

const pgBinaries = postgresForTests();

const MAIN = join(PROJECT_ROOT, "src/main.ts");
const HOUR = 3_600_000;

interface BotProcess {
  shard: number;
  child: ChildProcess;
  httpPort: number;
  logs(): Array<Record<string, unknown>>;
  exited: Promise<void>;
}

function utcSchedule(at: Date): DigestSchedule {
  return { time: at.toISOString().slice(11, 16), timeZone: "UTC", weekdaysOnly: false };
}

const logged = (bot: BotProcess, msg: string, match: (line: Record<string, unknown>) => boolean = () => true) =>
  bot.logs().filter((line) => line["msg"] === msg && match(line));
const answeredLine = (bot: BotProcess, id: string) => logged(bot, "interaction", (line) => line["interactionId"] === id);

describe.skipIf(!pgBinaries)("two processes, two shards, one PostgreSQL", () => {
  let pg: PostgresServer;
  let emu: DiscordEmulator;
  let news: TestServer;
  let store: Store;
  let dir: string;
  const bots: BotProcess[] = [];
  const guildIds = [guildIdOnShard(0, 2), guildIdOnShard(1, 2)];
  const channelIds = [snowflake(), snowflake()];

  async function startBot(shard: number): Promise<BotProcess> {
    const httpPort = await freePort();
    const env = {
      PATH: process.env.PATH ?? "",
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiUrl,
      DATABASE_URL: pg.url,
      MARKET_DATA_URL: "off",
      SHARD_COUNT: "2",
      SHARD_IDS: String(shard),
      HTTP_PORT: String(httpPort),
      NEWS_FEEDS: `${news.url}/rss?s={symbol}`,
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      DIGEST_CATCHUP_HOURS: "6",
      LOG_LEVEL: "info",
    };
    const child = spawn(process.execPath, [MAIN], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
    const lines: Array<Record<string, unknown>> = [];
    let partial = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          lines.push({ msg: line });
        }
      }
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return { shard, child, httpPort, logs: () => lines, exited };
  }

  const channelPosts = (channelId: string) => emu.channelMessages(channelId).filter((m) => m.source === "channel");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mb-scale-"));
    pg = await startPostgres();
    news = await startTestServer();
    serveDailyWire(news, HOUR);
    emu = await startDiscordEmulator({
      shards: 2,
      guilds: guildIds.map((id, i) => ({ id, name: `Guild ${i}`, channels: [{ id: channelIds[i] ?? "", name: "markets" }] })),
    });
    expect(guildIds.map((id) => emu.shardOf(id))).toEqual([0, 1]);
    await deployCommands(commands, { token: emu.token, apiUrl: emu.apiUrl });

    // Channel 0 has a slot two minutes ago: both processes' catch-up on start wants it.
    store = await openStore({ kind: "postgres", url: pg.url });
    for (const [i, channelId] of channelIds.entries()) await store.addWatch(channelId, guildIds[i] ?? "", "BABA", 25);
    await store.setSchedule(channelIds[0] ?? "", guildIds[0] ?? "", utcSchedule(new Date(Date.now() - 2 * 60_000)));

    bots.push(await startBot(0), await startBot(1));
    await emu.waitFor(() => emu.shardConnected(0) && emu.shardConnected(1), 60_000, "both shards to connect");
  }, 120_000);

  afterAll(async () => {
    for (const bot of bots) {
      if (bot.child.exitCode === null && bot.child.signalCode === null) {
        bot.child.kill("SIGTERM");
        await Promise.race([bot.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        bot.child.kill("SIGKILL");
      }
    }
    await store?.close();
    await emu?.close();
    await news?.close();
    await pg?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("answers every interaction exactly once, from the process that holds the guild's shard", async () => {
    const handles: Array<{ h: InteractionHandle; shard: number }> = [];
    for (let round = 0; round < 6; round++) {
      for (const [shard, guildId] of guildIds.entries()) handles.push({ h: emu.dispatchSlashCommand({ name: "help", guildId, channelId: channelIds[shard] ?? "" }), shard });
    }
    for (const { h } of handles) {
      const reply = await h.waitForReply((m) => m.content.includes("/summarize"), 60_000);
      expect(reply.ephemeral).toBe(true);
    }
    // The router logs an interaction once it has finished, just after the reply.
    await emu.waitFor(() => handles.every(({ h }) => bots.some((bot) => answeredLine(bot, h.id).length > 0)), 30_000, "interaction logs");
    for (const { h, shard } of handles) {
      expect(h.rejectedCallbacks).toEqual([]);
      const answeredBy = bots.filter((bot) => logged(bot, "interaction", (line) => line["interactionId"] === h.id).length > 0);
      expect(answeredBy.map((bot) => bot.shard)).toEqual([shard]);
      expect(logged(bots[shard] as BotProcess, "interaction", (line) => line["interactionId"] === h.id)).toHaveLength(1);
    }

    // Each process serves its own health and metrics.
    for (const bot of bots) {
      const health = await fetch(`http://127.0.0.1:${bot.httpPort}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ gatewayReady: true, storeReachable: true });
      const metrics = await (await fetch(`http://127.0.0.1:${bot.httpPort}/metrics`)).text();
      expect(metrics).toContain('marketbrief_interactions_total{command="help",outcome="ok"} 6');
    }
  }, 150_000);

  it("posts the scheduled slot once, and after kill -9 of one process the next slot once more", async () => {
    const [first, second] = [channelIds[0] ?? "", channelIds[1] ?? ""];
    for (const bot of bots) await emu.waitFor(() => logged(bot, "digest catch-up done").length > 0, 60_000, `catch-up of shard ${bot.shard}`);
    const deliveredFirst = bots.flatMap((bot) => logged(bot, "digest delivered", (line) => line["channelId"] === first));
    expect(deliveredFirst).toHaveLength(1);
    expect(channelPosts(first)).toHaveLength(Number(deliveredFirst[0]?.["messages"]));
    expect(channelPosts(first)[0]?.embeds.map((e) => JSON.stringify(e)).join("")).toContain("BABA");

    // Kill the process of shard 1 without a chance to clean up; its channel gets a slot next minute.
    const victim = bots[1] as BotProcess;
    victim.child.kill("SIGKILL");
    await victim.exited;
    await emu.waitFor(() => !emu.shardConnected(1), 10_000, "shard 1 to drop");
    let slotAt = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
    if (slotAt.getTime() - Date.now() < 5_000) slotAt = new Date(slotAt.getTime() + 60_000);
    const schedule = utcSchedule(slotAt);
    await store.setSchedule(second, guildIds[1] ?? "", schedule);
    const slotKey = latestSlotAtOrBefore(slotAt, schedule).slotKey;

    const survivor = bots[0] as BotProcess;
    await emu.waitFor(() => logged(survivor, "digest delivered", (line) => line["channelId"] === second).length > 0, 150_000, "the next slot");
    const delivered = logged(survivor, "digest delivered", (line) => line["channelId"] === second);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.["slotKey"]).toBe(slotKey);
    expect(channelPosts(second)).toHaveLength(Number(delivered[0]?.["messages"]));
    expect(await store.lastDeliveredSlot(second)).toBe(slotKey);
    // The first channel's slot was not posted again by anyone.
    expect(channelPosts(first)).toHaveLength(Number(deliveredFirst[0]?.["messages"]));
  }, 200_000);
});
