/**
 * /watch and /digest end to end: the real bot (createBot) with real discord.js against the local
 * Discord emulator, the real app (feed fetcher, guarded fetcher, extractor, summarizer, digest
 * builder, SQLite) against local feeds and article pages and the OpenAI stand-in.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InteractionResponseType, MessageFlags, PermissionFlagsBits, type APIEmbed } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digest } from "../commands/digest.ts";
import { commands } from "../commands/index.ts";
import { watch } from "../commands/watch.ts";
import type { App } from "../src/app.ts";
import { guildBudgetCounter, utcDay } from "../src/discord/limits.ts";
import { llmEnv, startBotStack } from "./support/bot-stack.ts";
import type { DiscordEmulator, InteractionHandle, RecordedMessage, SlashCommandSpec } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { startOpenAiServer, type OpenAiServer } from "./support/openai-server.ts";

const GUILD = "800000000000000001";
const GENERAL = "810000000000000001";
const FAULTY = "810000000000000002";
const READ_ONLY = "810000000000000003";
const EMPTY = "810000000000000004";
const MANAGER = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;

const HOUR = 3_600_000;
const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR);

interface FeedEntry {
  title: string;
  path: string;
  hoursAgo: number;
}

/** Two outlets on one local server, each with a headline RSS feed per symbol. */
const FEEDS: Record<string, Record<string, FeedEntry[]>> = {
  wire: {
    BABA: [
      { title: "Alibaba shares jump after cloud revenue beats estimates", path: "/wire/a/alibaba-cloud?utm_source=rss&utm_medium=feed", hoursAgo: 3 },
      { title: "Alibaba names new chief financial officer", path: "/wire/a/alibaba-cfo", hoursAgo: 5 },
      { title: "Alibaba opens new data centre in Dubai", path: "/wire/a/alibaba-dubai", hoursAgo: 72 },
    ],
    "9988.HK": [
      { title: "Alibaba Hong Kong shares see record turnover", path: "/wire/a/hk-turnover", hoursAgo: 2 },
      { title: "Alibaba names new chief financial officer", path: "/wire/a/alibaba-cfo", hoursAgo: 5 },
    ],
  },
  daily: {
    BABA: [{ title: "Alibaba shares jump after cloud revenue beats estimates - Finance Daily", path: "/daily/b/cloud-beat", hoursAgo: 2.5 }],
    "9988.HK": [{ title: "Hang Seng tech index rebounds as Alibaba leads gains", path: "/daily/b/hang-seng", hoursAgo: 4 }],
  },
};
const OUTLET_NAMES: Record<string, string> = { wire: "Market Wire", daily: "Finance Daily" };
const ARTICLE_PATHS = [...new Set(Object.values(FEEDS).flatMap((bySymbol) => Object.values(bySymbol).flat().map((e) => e.path.split("?")[0] ?? "")))];

function rss(outlet: string, symbol: string, base: string): string {
  const items = (FEEDS[outlet]?.[symbol] ?? [])
    .map(
      (e) => `<item><title>${e.title}</title><link>${base}${e.path.replace(/&/g, "&amp;")}</link><guid>${outlet}${e.path.replace(/&/g, "&amp;")}</guid>` +
        `<pubDate>${at(e.hoursAgo).toUTCString()}</pubDate><description>${e.title}.</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${OUTLET_NAMES[outlet]}</title><link>${base}/${outlet}</link><description>Headlines for ${symbol}</description>\n${items}\n</channel></rss>`;
}

function articleHtml(title: string, site: string): string {
  const paragraphs = [
    `${title}, according to people familiar with the matter who spoke on Tuesday about the company's plans for the rest of the year.`,
    "The company said revenue in its cloud intelligence unit grew 26 percent from a year earlier, helped by demand for artificial intelligence services from enterprise customers across Asia.",
    "Analysts at several brokers raised their price expectations after the results, pointing to improving margins in the core commerce business and a steady buyback programme.",
    "Shares of the group have risen about 18 percent this year, outperforming the Hang Seng Tech index, which gained 9 percent over the same period.",
    "Management told investors on a call that it would keep investing in data centres and model training while returning more cash to shareholders through dividends.",
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | ${site}</title><meta property="og:site_name" content="${site}"></head>
<body><header><nav><a href="/">Home</a></nav></header><main><article><h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join("\n")}</article></main></body></html>`;
}

let dir: string;
let news: TestServer;
let llm: OpenAiServer;
let emu: DiscordEmulator;
let app: App;
let closeStack: (() => Promise<void>) | undefined;

const withContent = (m: RecordedMessage) => m.content.length > 0;
/** A reply as Discord shows it: markdown escapes removed. */
const shown = (m: RecordedMessage) => m.content.replace(/\\(.)/g, "$1");
const llmCalls = (schema?: string) => llm.requests.filter((r) => schema === undefined || r.schemaName === schema).length;
const articleFetches = () => news.requests.filter((r) => ARTICLE_PATHS.includes(r.path)).length;
/** What a reader sees of a post's embeds (the timestamp aside). */
const visible = (m: RecordedMessage | undefined) => m?.embeds.map((e) => [e.title, e.description, e.footer?.text]);
const channelPosts = (channelId: string) => emu.channelMessages(channelId).filter((m) => m.source === "channel");

function run(spec: SlashCommandSpec): InteractionHandle {
  return emu.dispatchSlashCommand({ channelId: GENERAL, memberPermissions: MANAGER, ...spec });
}

async function reply(h: InteractionHandle, timeoutMs = 20_000): Promise<RecordedMessage> {
  const message = await h.waitForReply(withContent, timeoutMs);
  expect(message.allowedMentions).toEqual({ parse: [] });
  return message;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "marketbrief-digest-cmd-"));
  news = await startTestServer();
  for (const outlet of Object.keys(FEEDS)) {
    news.route(`/${outlet}/rss`, (_req, res, ctx) => {
      const symbol = ctx.url.searchParams.get("s") ?? "";
      if (FEEDS[outlet]?.[symbol] === undefined) return void res.writeHead(404, { "content-type": "text/plain" }).end("no such feed");
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(rss(outlet, symbol, news.url));
    });
  }
  for (const path of ARTICLE_PATHS) {
    const entry = Object.values(FEEDS).flatMap((s) => Object.values(s).flat()).find((e) => e.path.startsWith(path));
    const site = path.startsWith("/wire") ? "Market Wire" : "Finance Daily";
    news.route(path, { headers: { "content-type": "text/html; charset=utf-8" }, body: articleHtml(entry?.title ?? "Story", site) });
  }
  llm = await startOpenAiServer({
    schemas: {
      ticker_synthesis: () => ({ tone: "bullish", bullets: ["Cloud revenue beat estimates.", "A new finance chief was named."], driverStoryIds: [] }),
    },
  });
  const stack = await startBotStack({
    emulator: {
      guilds: [
        {
          id: GUILD,
          name: "Markets",
          channels: [
            { id: GENERAL, name: "general" },
            { id: FAULTY, name: "faulty" },
            { id: READ_ONLY, name: "read-only", permissionOverwrites: [{ id: GUILD, type: 0, deny: PermissionFlagsBits.SendMessages }] },
            { id: EMPTY, name: "empty" },
          ],
        },
      ],
    },
    commands: [...commands.filter((c) => c.data.name !== "watch" && c.data.name !== "digest"), watch, digest],
    env: {
      ...llmEnv(llm),
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      NEWS_FEEDS: `${news.url}/wire/rss?s={symbol} ${news.url}/daily/rss?s={symbol}`,
      DATABASE_URL: `sqlite:${join(dir, "digest.db")}`,
      SUMMARIZE_COOLDOWN_S: "30",
      GUILD_DAILY_BRIEFS: "100",
    },
  });
  ({ emu, app, close: closeStack } = stack);
}, 30_000);

afterAll(async () => {
  await closeStack?.();
  await llm?.close();
  await news?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("/watch", () => {
  it("autocompletes listings by symbol and by company name, within Discord's limits", async () => {
    const byName = emu.dispatchAutocomplete({ name: "watch", subcommand: "add", options: { ticker: "alibaba" }, focused: "ticker" });
    await byName.waitForAck();
    const choices = byName.autocompleteChoices ?? [];
    expect(choices.length).toBeGreaterThan(1);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices).toContainEqual({ name: "9988.HK — Alibaba Group Holding Limited (HKEX)", value: "9988.HK" });
    expect(choices.map((c) => c.value)).toContain("BABA");
    expect(choices.every((c) => c.name.length <= 100)).toBe(true);

    const bySymbol = emu.dispatchAutocomplete({ name: "watch", subcommand: "add", options: { ticker: "sap.d" }, focused: "ticker" });
    await bySymbol.waitForAck();
    expect(bySymbol.autocompleteChoices?.[0]?.value).toBe("SAP.DE");
  });

  it("adds two listings of one company as two subscriptions, storing the canonical symbol", async () => {
    const first = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "baba" } }));
    expect(first.ephemeral).toBe(true);
    expect(first.content).toContain("This channel now follows BABA — Alibaba Group Holding Ltd (NYSE).");
    const second = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "9988.HK" } }));
    expect(second.content).toContain("This channel now follows 9988.HK — Alibaba Group Holding Limited (HKEX).");
    const again = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "BABA" } }));
    expect(again.content).toContain("already follows BABA");
    expect(await app.store.listWatches(GENERAL)).toEqual(["BABA", "9988.HK"]);
  });

  it("refuses an unknown symbol privately, at once, with close matches", async () => {
    const h = run({ name: "watch", subcommand: "add", options: { ticker: "BABAA" } });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(Number(ack.data.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const message = await reply(h);
    expect(message.content).toMatch(/^Unknown symbol BABAA\. Did you mean: BABA — Alibaba Group Holding Ltd \(NYSE\); /);
    const byName = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "Alibab" } }));
    expect(byName.content).toMatch(/^Unknown symbol Alibab\. Did you mean: .*9988\.HK — Alibaba Group Holding Limited \(HKEX\)/);
    expect(await app.store.listWatches(GENERAL)).toEqual(["BABA", "9988.HK"]);
  });

  it("refuses watchlist and schedule changes from a member without Manage Channels, but lists for everyone", async () => {
    const refused = [
      emu.dispatchSlashCommand({ channelId: GENERAL, name: "watch", subcommand: "add", options: { ticker: "AAPL" } }),
      emu.dispatchSlashCommand({ channelId: GENERAL, name: "watch", subcommand: "remove", options: { ticker: "BABA" } }),
      emu.dispatchSlashCommand({ channelId: GENERAL, name: "digest", subcommand: "schedule", options: { time: "07:30", timezone: "Asia/Tokyo" } }),
    ];
    for (const h of refused) {
      const message = await reply(h);
      expect(message.ephemeral).toBe(true);
      expect(message.content).toBe("You need the Manage Channels permission to change this channel's watchlist.");
    }
    expect(await app.store.listWatches(GENERAL)).toEqual(["BABA", "9988.HK"]);
    expect((await app.store.getChannel(GENERAL))?.schedule).toBeUndefined();

    const list = await reply(emu.dispatchSlashCommand({ channelId: GENERAL, name: "watch", subcommand: "list" }));
    expect(list.ephemeral).toBe(true);
    expect(list.content).toContain("This channel follows 2 tickers");
    expect(list.content).toContain("• BABA — Alibaba Group Holding Ltd (NYSE)");
    expect(list.content).toContain("• 9988.HK — Alibaba Group Holding Limited (HKEX)");
    expect(list.content).toContain("Daily digest: not scheduled");
  });

  it("autocompletes /watch remove from the channel's own watches", async () => {
    const h = emu.dispatchAutocomplete({ name: "watch", subcommand: "remove", options: { ticker: "" }, focused: "ticker" });
    await h.waitForAck();
    expect(h.autocompleteChoices?.map((c) => c.value)).toEqual(["BABA", "9988.HK"]);
  });
});

describe("/digest now", () => {
  let first: RecordedMessage[];

  it("posts one digest in the channel with both tickers and a link to every story", async () => {
    const before = channelPosts(GENERAL).length;
    const h = run({ name: "digest", subcommand: "now" });
    const ack = await h.waitForAck();
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const confirmation = await reply(h, 30_000);
    expect(confirmation.ephemeral).toBe(true);
    expect(confirmation.content).toBe("Digest posted (2 tickers).");

    first = channelPosts(GENERAL).slice(before);
    expect(first).toHaveLength(1);
    const [post] = first;
    expect(post?.ephemeral).toBe(false);
    expect(post?.interactionId).toBeNull();
    expect(post?.allowedMentions).toEqual({ parse: [] });
    expect(post?.pings).toEqual({ everyone: false, users: [], roles: [] });
    expect(typeof post?.nonce).toBe("string");
    const sent = emu.requests.find((r) => r.method === "POST" && r.path === `/channels/${GENERAL}/messages` && r.status === 200);
    expect(sent?.body).toMatchObject({ enforce_nonce: true, nonce: post?.nonce });

    const embeds = post?.embeds ?? [];
    expect(embeds.map((e) => e.title)).toEqual(["📈 BABA · Alibaba Group Holding Ltd", "📈 9988.HK · Alibaba Group Holding Limited"]);
    const [baba, hk] = embeds as [APIEmbed, APIEmbed];
    for (const embed of embeds) {
      expect(embed.footer?.text).toBe("Not investment advice");
      expect(embed.description).toContain("**Tone:** Bullish");
      expect(embed.description).toContain("• Cloud revenue beat estimates.");
    }
    // Every story of the last 24 hours is linked by its canonical URL (tracking parameters dropped).
    expect(baba.description).toContain(`[Alibaba shares jump after cloud revenue beats estimates](${news.url}/wire/a/alibaba-cloud)`);
    expect(baba.description).toContain(`[Alibaba names new chief financial officer](${news.url}/wire/a/alibaba-cfo)`);
    expect(hk.description).toContain(`[Alibaba Hong Kong shares see record turnover](${news.url}/wire/a/hk-turnover)`);
    expect(hk.description).toContain(`[Hang Seng tech index rebounds as Alibaba leads gains](${news.url}/daily/b/hang-seng)`);
    expect(hk.description).toContain(`[Alibaba names new chief financial officer](${news.url}/wire/a/alibaba-cfo)`);
    // The same story from two outlets is one item crediting both, each outlet with its own link.
    expect(baba.description?.match(/Alibaba shares jump/g)).toHaveLength(1);
    expect(baba.description).toContain(`Market Wire · [Finance Daily](${news.url}/daily/b/cloud-beat)`);
    // Older than 24 hours: left out of a channel's first digest.
    expect(baba.description).not.toContain("Dubai");
    expect(JSON.stringify(embeds)).not.toContain("utm_");
  });

  it("fetched and summarized each article once, and wrote one synthesis per ticker", () => {
    for (const path of ["/wire/a/alibaba-cloud", "/wire/a/alibaba-cfo", "/wire/a/hk-turnover", "/daily/b/hang-seng"]) expect(news.hits(path), path).toBe(1);
    // The second outlet's copy of a story is not fetched while the first one reads fine.
    expect(news.hits("/daily/b/cloud-beat")).toBe(0);
    expect(news.hits("/wire/a/alibaba-dubai")).toBe(0);
    expect(llmCalls("brief")).toBe(4);
    expect(llmCalls("ticker_synthesis")).toBe(2);
  });

  it("counts new model requests against the guild's daily budget", async () => {
    expect(await app.store.getCounter(guildBudgetCounter(GUILD), utcDay(Date.now()))).toBe(6);
  });

  it("posts the same digest again without a new model request or page fetch", async () => {
    const calls = llm.requests.length;
    const fetched = articleFetches();
    const confirmation = await reply(run({ name: "digest", subcommand: "now" }), 30_000);
    expect(confirmation.content).toBe("Digest posted (2 tickers).");
    const posts = channelPosts(GENERAL);
    const repeat = posts.at(-1);
    expect(repeat?.id).not.toBe(first[0]?.id);
    expect(visible(repeat)).toEqual(visible(first[0]));
    expect(llm.requests.length).toBe(calls);
    expect(articleFetches()).toBe(fetched);
    expect(await app.store.getCounter(guildBudgetCounter(GUILD), utcDay(Date.now()))).toBe(6);
  });

  it("says so when the channel follows nothing", async () => {
    const message = await reply(run({ channelId: EMPTY, name: "digest", subcommand: "now" }));
    expect(message.content).toBe("This channel follows no tickers yet: use /watch add.");
    expect(channelPosts(EMPTY)).toEqual([]);
  });

  it("reports a channel Discord refuses (403/50013), pauses it, lists it paused, and /watch add resumes it", async () => {
    await reply(run({ channelId: FAULTY, name: "watch", subcommand: "add", options: { ticker: "BABA" } }));
    const fault = emu.injectFault({ method: "POST", path: `/channels/${FAULTY}/messages`, fault: "missingPermissions", times: Number.POSITIVE_INFINITY });
    const calls = llm.requests.length;
    const refused = await reply(run({ channelId: FAULTY, name: "digest", subcommand: "now" }), 60_000);
    // Paused only once the refusal persisted through the delivery's retries (src/jobs/delivery.ts).
    expect(fault.hits).toBe(3);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain("Discord refused the digest in this channel (Missing Permissions: the bot needs View Channel, Send Messages and Embed Links here)");
    expect(refused.content).toContain("paused");
    expect(llm.requests.length).toBe(calls);
    expect(channelPosts(FAULTY)).toEqual([]);
    expect((await app.store.getChannel(FAULTY))?.pausedReason).toBe("Missing Permissions: the bot needs View Channel, Send Messages and Embed Links here");

    const listed = await reply(emu.dispatchSlashCommand({ channelId: FAULTY, name: "watch", subcommand: "list" }));
    expect(listed.content).toContain("Digests here are paused");
    expect(listed.content).toContain("Missing Permissions");

    emu.clearFaults();
    const resumed = await reply(run({ channelId: FAULTY, name: "watch", subcommand: "add", options: { ticker: "9988.HK" } }));
    expect(resumed.content).toContain("This channel now follows 9988.HK");
    expect(resumed.content).toContain("they are back on");
    expect((await app.store.getChannel(FAULTY))?.pausedReason).toBeUndefined();
    const relisted = await reply(emu.dispatchSlashCommand({ channelId: FAULTY, name: "watch", subcommand: "list" }));
    expect(relisted.content).not.toContain("paused");
  }, 90_000);

  it("names the permission the bot lacks before spending anything, and pauses the channel", async () => {
    await reply(run({ channelId: READ_ONLY, name: "watch", subcommand: "add", options: { ticker: "BABA" } }));
    const calls = llm.requests.length;
    const requests = emu.requests.length;
    const refused = await reply(run({ channelId: READ_ONLY, name: "digest", subcommand: "now" }));
    expect(refused.content).toMatch(/^I can't post the digest in this channel: I'm missing the Send Messages permission here\. /);
    expect(refused.content).toContain("paused until that is fixed");
    expect(llm.requests.length).toBe(calls);
    expect(emu.requests.slice(requests).some((r) => r.path === `/channels/${READ_ONLY}/messages`)).toBe(false);
    expect((await app.store.getChannel(READ_ONLY))?.pausedReason).toBe("Missing Permissions: the bot needs Send Messages here");
  });
});

describe("/digest schedule and off", () => {
  it("stores the channel's local time and canonical zone and says when the next digest comes, locally and in UTC", async () => {
    const message = await reply(run({ name: "digest", subcommand: "schedule", options: { time: "7:30", timezone: "asia/tokyo" } }));
    expect(message.ephemeral).toBe(true);
    expect(message.content).toContain("Daily digest for this channel: 07:30 Asia/Tokyo, Monday to Friday, in English.");
    // A Discord timestamp: each reader sees it in their own time zone; 07:30 in Tokyo is 22:30 UTC.
    const next = Number(/Next: <t:(\d+):F>\./.exec(message.content)?.[1]) * 1000;
    expect(new Date(next).toISOString()).toMatch(/T22:30:00\.000Z$/);
    expect((await app.store.getChannel(GENERAL))?.schedule).toEqual({ time: "07:30", timeZone: "Asia/Tokyo", weekdaysOnly: true });
    // Whoever set it up is the one told if the channel is ever paused.
    expect((await app.store.getChannel(GENERAL))?.digestContactId).toBe("100000000000000001");
    const list = await reply(emu.dispatchSlashCommand({ channelId: GENERAL, name: "watch", subcommand: "list" }));
    expect(list.content).toContain("Daily digest: 07:30 Asia/Tokyo, Monday to Friday; next ");
  });

  it("autocompletes time zones", async () => {
    const h = emu.dispatchAutocomplete({ name: "digest", subcommand: "schedule", options: { time: "07:30", timezone: "tok" }, focused: "timezone" });
    await h.waitForAck();
    expect(h.autocompleteChoices?.map((c) => c.value)).toContain("Asia/Tokyo");
  });

  it("refuses an unknown zone, an unknown abbreviation and an impossible time privately, at once", async () => {
    for (const [options, expected] of [
      [{ time: "07:30", timezone: "Mars/Olympus_Mons" }, '"Mars/Olympus_Mons" is not a time zone I know'],
      [{ time: "07:30", timezone: "XYZT" }, '"XYZT" is not a time zone I know'],
      [{ time: "25:00", timezone: "Europe/Berlin" }, '"25:00" is not a time of day'],
    ] as const) {
      const h = run({ name: "digest", subcommand: "schedule", options: { ...options, weekdays: false } });
      expect((await h.waitForAck()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(shown(await reply(h))).toContain(expected);
    }
    expect((await app.store.getChannel(GENERAL))?.schedule?.timeZone).toBe("Asia/Tokyo");
  });

  it("turns the schedule off and keeps the watchlist", async () => {
    const message = await reply(run({ name: "digest", subcommand: "off" }));
    expect(message.content).toContain("Scheduled digests are off for this channel (it was 07:30 Asia/Tokyo, Monday to Friday)");
    expect((await app.store.getChannel(GENERAL))?.schedule).toBeUndefined();
    expect(await app.store.listWatches(GENERAL)).toEqual(["BABA", "9988.HK"]);
  });
});
