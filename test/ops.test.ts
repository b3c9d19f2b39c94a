/**
 * Operating the bot: /healthz and /metrics on the ops HTTP server (real bot on the Discord
 * emulator, real PostgreSQL that the test stops), /status and /help, and the invite link.
 */
import { readFileSync } from "node:fs";
import { MessageFlags, PermissionFlagsBits, PermissionsBitField } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrometheusMetrics } from "../src/adapters/metrics/prometheus.ts";
import { commands } from "../commands/index.ts";
import { createApp, type App } from "../src/app.ts";
import { commandServices, startBotOpsServer } from "../src/bot-services.ts";
import { loadConfig } from "../src/config.ts";
import { createBot, type Bot } from "../src/discord/bot.ts";
import { deployCommands } from "../src/discord/deploy.ts";
import { BOT_PERMISSIONS, inviteUrl } from "../src/discord/invite.ts";
import type { OpsServer } from "../src/http/server.ts";
import { VERSION } from "../src/version.ts";
import { startDiscordEmulator, type DiscordEmulator, type InteractionHandle, type RecordedMessage } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { postgresForTests, startPostgres, type PostgresServer } from "./support/postgres-server.ts";

const ARTICLE = readFileSync(new URL("./fixtures/discord/article.html", import.meta.url), "utf8");
const pgBinaries = postgresForTests();

/** Parses Prometheus text exposition; throws on a line that is not a comment or a sample. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|\+Inf|-Inf))$/.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    samples.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return samples;
}

describe.skipIf(!pgBinaries)("health and metrics over HTTP", () => {
  let pg: PostgresServer;
  let emu: DiscordEmulator;
  let web: TestServer;
  let app: App;
  let bot: Bot;
  let ops: OpsServer | undefined;

  beforeAll(async () => {
    pg = await startPostgres();
    emu = await startDiscordEmulator();
    web = await startTestServer({ "/article": { headers: { "content-type": "text/html; charset=utf-8" }, body: ARTICLE } });
    await deployCommands(commands, { token: emu.token, apiUrl: emu.apiUrl });
    const config = loadConfig({
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiUrl,
      DATABASE_URL: pg.url,
      MARKET_DATA_URL: "off",
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      HTTP_PORT: "0",
      SUMMARIZE_COOLDOWN_S: "0",
    });
    const metrics = createPrometheusMetrics();
    app = await createApp(config, pino({ level: "silent" }), { metrics });
    bot = createBot({ discord: app.config.discord, logger: app.logger, commands, services: commandServices(app), metrics });
    ops = await startBotOpsServer(app, bot.client, metrics);
    await bot.start();
  }, 60_000);

  afterAll(async () => {
    await ops?.close();
    await bot?.stop(1000);
    await app?.close().catch(() => {});
    await emu?.close();
    await web?.close();
    await pg?.close();
  });

  it("answers /healthz 200 while connected, /metrics counts a /summarize, and /healthz 503 once the database is gone", async () => {
    const base = ops?.url ?? "";
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const healthy = await fetch(`${base}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ status: "ok", gatewayReady: true, storeReachable: true, problems: [] });

    const key = 'marketbrief_interactions_total{command="summarize",outcome="ok"}';
    const before = await fetch(`${base}/metrics`);
    expect(before.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const beforeSamples = parsePrometheus(await before.text());
    expect(beforeSamples.get(key) ?? 0).toBe(0);

    const h = emu.dispatchSlashCommand({ name: "summarize", options: { url: `${web.url}/article` } });
    await h.waitForReply((m) => m.embeds.length > 0, 30_000);
    // The counter moves when the router finishes the interaction, just after the reply is sent.
    let afterSamples = new Map<string, number>();
    for (let i = 0; i < 100 && afterSamples.get(key) === undefined; i++) {
      afterSamples = parsePrometheus(await (await fetch(`${base}/metrics`)).text());
      if (afterSamples.get(key) === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(afterSamples.get(key)).toBe(1);
    const acks = [...afterSamples].find(([name]) => name.startsWith('marketbrief_interaction_ack_seconds_count{command="summarize"'));
    expect(acks?.[1]).toBe(1);

    await pg.close();
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    const report = (await down.json()) as { storeReachable: boolean; gatewayReady: boolean; problems: string[] };
    expect(report.storeReachable).toBe(false);
    expect(report.gatewayReady).toBe(true);
    expect(report.problems.join(" ")).toMatch(/database is unreachable/);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  }, 60_000);
});

async function privateText(h: InteractionHandle): Promise<RecordedMessage> {
  const reply = await h.waitForReply((m) => m.content.length > 0, 15_000);
  expect(reply.ephemeral).toBe(true);
  expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  return reply;
}

describe("/status and /help", () => {
  let emu: DiscordEmulator;
  let app: App;
  let bot: Bot;
  let dir: string;

  beforeAll(async () => {
    emu = await startDiscordEmulator();
    await deployCommands(commands, { token: emu.token, apiUrl: emu.apiUrl });
    dir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/mb-status-`);
    app = await createApp(
      loadConfig({ DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl, DATABASE_URL: `sqlite:${dir}/status.db`, GUILD_DAILY_BRIEFS: "50", MARKET_DATA_URL: "off", NEWS_FEEDS: "http://127.0.0.1:9/feed/{symbol}" }),
      pino({ level: "silent" }),
    );
    bot = createBot({ discord: app.config.discord, logger: app.logger, commands, services: commandServices(app) });
    await bot.start();
  }, 60_000);

  afterAll(async () => {
    await bot?.stop(1000);
    await app?.close();
    await emu?.close();
    (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
  });

  it("registers /status for Manage Server only and /help for everyone", () => {
    const status = emu.commands.find((c) => c.name === "status");
    const help = emu.commands.find((c) => c.name === "help");
    expect(status?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(help?.default_member_permissions ?? null).toBeNull();
    // /watch list and /digest now are for everyone: those commands stay visible.
    expect(emu.commands.find((c) => c.name === "watch")?.default_member_permissions ?? null).toBeNull();
  });

  it("shows a manager each channel's tickers, schedule, budget, pause and failing feeds, privately", async () => {
    const guild = emu.guilds[0];
    const channelId = guild?.channels[0]?.id ?? "";
    // Known to the store, not to the gateway cache (a channel made after the bot connected, or
    // one it cannot see): listed all the same. Another guild's channel is not.
    const uncachedId = "900000000000000001";
    const { store } = app;
    await store.addWatch(channelId, guild?.id ?? "", "BABA", 25);
    await store.addWatch(channelId, guild?.id ?? "", "9988.HK", 25);
    await store.setSchedule(channelId, guild?.id ?? "", { time: "07:30", timeZone: "Europe/Berlin", weekdaysOnly: true });
    await store.pauseChannel(channelId, "Missing Permissions: the bot needs Embed Links here");
    await store.setSchedule(uncachedId, guild?.id ?? "", { time: "18:00", timeZone: "America/New_York", weekdaysOnly: false });
    await store.addWatch("900000000000000002", "900000000000000003", "SAP", 25);
    await store.incrementCounter(`guild-llm-briefs:${guild?.id}`, new Date().toISOString().slice(0, 10), 7);
    await store.putFeedState({
      url: "http://127.0.0.1:9/feed/BABA",
      failures: 3,
      lastError: "connection refused",
      lastFetchedAt: "2026-01-02T03:04:05.000Z",
      failingSince: "2026-01-02T04:00:00.000Z",
    });

    const h = emu.dispatchSlashCommand({ name: "status", memberPermissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel });
    const text = (await privateText(h)).content;
    expect(text).toContain(`marketbrief ${VERSION}`);
    expect(text).toContain("extractive");
    expect(text).toContain("7 of 50 new model requests used today, 43 left");
    expect(text).toContain(`<#${channelId}>: BABA, 9988.HK`);
    expect(text).toContain("digest 07:30 Europe/Berlin, Monday to Friday");
    expect(text).toMatch(/paused since <t:\d+:f>: Missing Permissions: the bot needs Embed Links here/);
    expect(text).toContain(`<#${uncachedId}>: no tickers\n  digest 18:00 America/New_York, every day\n  nothing delivered yet`);
    expect(text).not.toContain("900000000000000002");
    expect(text).toMatch(/127\.0\.0\.1:9` for BABA: failed 3× in a row, failing since <t:1767326400:R>, last good read <t:1767323045:R> \(connection refused\)/);
    expect(emu.channelMessages(channelId).filter((m) => !m.ephemeral)).toEqual([]);

    const de = (await privateText(emu.dispatchSlashCommand({ name: "status", locale: "de", memberPermissions: PermissionFlagsBits.ManageGuild }))).content;
    expect(de).toContain("Digest 07:30 Europe/Berlin, Montag bis Freitag");
    expect(de).toMatch(/für BABA: 3× in Folge fehlgeschlagen, fehlerhaft seit <t:1767326400:R>, zuletzt erfolgreich gelesen <t:1767323045:R>/);
  });

  it("refuses a member without Manage Server privately", async () => {
    const h = emu.dispatchSlashCommand({ name: "status", memberPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages });
    const reply = await privateText(h);
    expect(reply.content).toContain("Manage Server");
    expect(reply.content).not.toContain("Budget");
  });

  it("answers /help privately, in German for a German client", async () => {
    const en = await privateText(emu.dispatchSlashCommand({ name: "help" }));
    for (const name of ["/summarize", "/watch add", "/digest schedule", "/status", "Summarize link"]) expect(en.content).toContain(name);
    const de = await privateText(emu.dispatchSlashCommand({ name: "help", locale: "de" }));
    expect(de.content).toContain("Kernpunkte");
  });
});

describe("invite link", () => {
  it("asks for exactly View Channel, Send Messages, Embed Links and Attach Files, with both scopes", () => {
    const url = new URL(inviteUrl("123456789012345678"));
    expect(url.origin + url.pathname).toBe("https://discord.com/oauth2/authorize");
    expect(url.searchParams.get("client_id")).toBe("123456789012345678");
    expect(url.searchParams.get("scope")?.split(" ").toSorted()).toEqual(["applications.commands", "bot"]);
    const granted = new PermissionsBitField(BigInt(url.searchParams.get("permissions") ?? "0"));
    expect(granted.toArray().toSorted()).toEqual(["AttachFiles", "EmbedLinks", "SendMessages", "ViewChannel"]);
    expect(granted.bitfield).toBe(BOT_PERMISSIONS.bitfield);
  });
});
