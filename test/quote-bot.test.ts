/**
 * Prices in Discord end to end: the real bot (createBot, discord.js) against the local Discord
 * emulator, the real app against a local Yahoo-compatible chart server and local feeds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InteractionResponseType, PermissionFlagsBits, type APIEmbed } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotStack, type BotStack } from "./support/bot-stack.ts";
import { startChartServer, type ChartServer } from "./support/chart-server.ts";
import type { DiscordEmulator, InteractionHandle, RecordedMessage } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";

const GUILD = "800000000000000001";
const GENERAL = "810000000000000001";
const SECOND = "810000000000000002";
const MANAGER = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;
// The session of the listings the chart server serves (values set by the test, not the wall clock).
const SESSION = { start: Date.UTC(2026, 2, 6, 14, 30) / 1000, end: Date.UTC(2026, 2, 6, 21, 0) / 1000 };

let dir: string;
let news: TestServer;
let chart: ChartServer;

type Stack = BotStack;

function startStack(name: string): Promise<Stack> {
  return startBotStack({
    emulator: { guilds: [{ id: GUILD, name: "Markets", channels: [{ id: GENERAL, name: "general" }, { id: SECOND, name: "second" }] }] },
    env: {
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      NEWS_FEEDS: `${news.url}/rss?s={symbol}`,
      MARKET_DATA_URL: chart.url,
      // Each test posts in the same channel id; the cooldown is tested in digest-commands.
      DIGEST_NOW_COOLDOWN_S: "0",
      DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
    },
  });
}

function pngSize(data: Buffer | undefined): { width: number; height: number } {
  expect(data?.subarray(1, 4).toString("latin1")).toBe("PNG");
  expect(data?.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: data?.readUInt32BE(16) ?? 0, height: data?.readUInt32BE(20) ?? 0 };
}

const field = (embed: APIEmbed | undefined, name: string) => embed?.fields?.find((f) => f.name === name)?.value;

async function privateError(emu: DiscordEmulator, h: InteractionHandle): Promise<RecordedMessage> {
  const message = await emu.waitFor(
    () => [h.original, ...h.followups].find((m) => m !== undefined && !m.deleted && m.ephemeral && m.content.length > 0),
    15_000,
    "private error",
  );
  expect([h.original, ...h.followups].filter((m) => m !== undefined && !m.deleted && !m.ephemeral)).toEqual([]);
  return message;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "marketbrief-quote-bot-"));
  chart = await startChartServer();
  chart.set("BABA", { price: 137.45, previousClose: 131.02, session: SESSION, name: "Alibaba Group Holding Limited" });
  chart.set("9988.HK", { price: 131.2, previousClose: 130.7, session: SESSION, currency: "HKD", exchange: "HKSE", timeZone: "Asia/Hong_Kong" });
  news = await startTestServer();
  news.route("/rss", (_req, res, ctx) => {
    const symbol = ctx.url.searchParams.get("s") ?? "";
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title><link>${news.url}/</link><description>${symbol}</description></channel></rss>`,
    );
  });
}, 30_000);

afterAll(async () => {
  await chart?.close();
  await news?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("/quote and /digest now with prices", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("prices");
  }, 30_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("/quote ticker:BABA answers with price, change and the PNG chart shown in the embed", async () => {
    const h = stack.emu.dispatchSlashCommand({ channelId: GENERAL, name: "quote", options: { ticker: "BABA" } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.waitForReply((m) => m.embeds.length > 0, 20_000);
    expect(reply.ephemeral).toBe(false);
    expect(reply.allowedMentions).toEqual({ parse: [] });
    const [embed] = reply.embeds;
    expect(embed?.title).toBe("BABA · Alibaba Group Holding Limited");
    expect(field(embed, "Last price")).toBe("137.45 USD");
    expect(field(embed, "Change")).toBe("+6.43 (+4.91 %)");
    expect(field(embed, "Previous close")).toBe("131.02");
    expect(field(embed, "Exchange")).toBe("NYSE (America/New\\_York)");
    expect(embed?.image?.url).toBe("attachment://chart.png");
    expect(reply.attachments.map((a) => [a.filename, a.contentType])).toEqual([["chart.png", "image/png"]]);
    const size = pngSize(reply.attachments[0]?.data);
    expect(size.width).toBeGreaterThanOrEqual(600);
    expect(size.height).toBeGreaterThanOrEqual(300);
  });

  it("writes numbers in the reader's format and asks for the chosen range", async () => {
    const h = stack.emu.dispatchSlashCommand({ channelId: GENERAL, name: "quote", options: { ticker: "BABA", range: "6mo", private: true }, locale: "de" });
    const reply = await h.waitForReply((m) => m.embeds.length > 0, 20_000);
    expect(reply.ephemeral).toBe(true);
    expect(field(reply.embeds[0], "Letzter Kurs")).toBe("137,45 USD");
    expect(chart.requests.at(-1)).toMatchObject({ symbol: "BABA", range: "6mo", interval: "1d" });
  });

  it("answers an unknown symbol with a private error", async () => {
    const h = stack.emu.dispatchSlashCommand({ channelId: GENERAL, name: "quote", options: { ticker: "NOSUCH" } });
    const message = await privateError(stack.emu, h);
    expect(message.content).toMatch(/^No price data for NOSUCH/);
  });

  it("autocompletes the ticker by company name", async () => {
    const h = stack.emu.dispatchAutocomplete({ name: "quote", options: { ticker: "alibaba" }, focused: "ticker" });
    await h.waitForAck();
    expect(h.autocompleteChoices?.map((c) => c.value)).toContain("9988.HK");
  });

  it("/digest now opens each ticker with its price and day change and carries the day's chart", async () => {
    await stack.app.store.addWatch(GENERAL, GUILD, "BABA", 25);
    await stack.app.store.addWatch(GENERAL, GUILD, "9988.HK", 25);
    const h = stack.emu.dispatchSlashCommand({ channelId: GENERAL, memberPermissions: MANAGER, name: "digest", subcommand: "now" });
    const confirmation = await h.waitForReply((m) => m.content.length > 0, 30_000);
    expect(confirmation.content).toBe("Digest posted (2 tickers).");
    const post = stack.emu.channelMessages(GENERAL).filter((m) => m.source === "channel").at(-1);
    const [baba, hk] = post?.embeds ?? [];
    expect(baba?.description?.split("\n")[0]).toMatch(/^(🔼|💤|⏳) \*\*137\.45 USD\*\*/);
    expect(hk?.description?.split("\n")[0]).toMatch(/^(🔼|💤|⏳) \*\*131\.20 HKD\*\*/);
    // The day change always shows; on another day than the session's it is dated and the market said closed.
    expect(baba?.description?.split("\n")[0]).toMatch(/\*\*137\.45 USD\*\* \+6\.43 \(\+4\.91 %\)( · Market| on Fri,? (6 Mar|Mar 6) · (Market closed today|Not open yet today))/);
    expect(hk?.description?.split("\n")[0]).toContain("+0.50 (+0.38 %)");
    expect(post?.attachments.map((a) => a.filename)).toEqual(["prices.png"]);
    expect(pngSize(post?.attachments[0]?.data).width).toBeGreaterThanOrEqual(600);
  });

  it("/digest now still posts when the chart server answers 500, saying prices are unavailable", async () => {
    await stack.app.store.addWatch(SECOND, GUILD, "XIACY", 25);
    chart.fail(500, 1);
    const h = stack.emu.dispatchSlashCommand({ channelId: SECOND, memberPermissions: MANAGER, name: "digest", subcommand: "now" });
    const confirmation = await h.waitForReply((m) => m.content.length > 0, 30_000);
    expect(confirmation.content).toBe("Digest posted (1 ticker).");
    const post = stack.emu.channelMessages(SECOND).filter((m) => m.source === "channel").at(-1);
    expect(post?.content).toContain("Prices unavailable");
    expect(post?.embeds[0]?.description).toMatch(/^⚠️ Prices unavailable/);
    expect(post?.attachments).toEqual([]);
  });
});

describe("/digest now with the chart server answering 429", () => {
  it("still posts, saying prices are unavailable", async () => {
    const stack = await startStack("limited");
    try {
      await stack.app.store.addWatch(GENERAL, GUILD, "BABA", 25);
      chart.fail(429, 1, 60);
      const h = stack.emu.dispatchSlashCommand({ channelId: GENERAL, memberPermissions: MANAGER, name: "digest", subcommand: "now" });
      const confirmation = await h.waitForReply((m) => m.content.length > 0, 30_000);
      expect(confirmation.content).toBe("Digest posted (1 ticker).");
      const post = stack.emu.channelMessages(GENERAL).filter((m) => m.source === "channel").at(-1);
      expect(post?.content).toContain("Prices unavailable");
      expect(post?.embeds[0]?.description).toMatch(/^⚠️ Prices unavailable/);
      expect(chart.requests.at(-1)?.status).toBe(429);
    } finally {
      await stack.close();
    }
  }, 30_000);
});
