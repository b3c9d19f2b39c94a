/**
 * The digest a trader reads, end to end with the real bot against the Discord emulator: a German
 * channel gets German labels and a synthesis requested in German; a German
 * reader gets German replies and errors; the registered commands carry German localizations;
 * `/digest now` by a member without Manage Channels posts nothing in the channel; 3 tickers with
 * 5 stories each arrive as one message; same-event reports from several outlets (reworded, in
 * English and German) are one story.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app.ts";
import { LABELLED_REPORTS, type LabelledReport } from "./fixtures/cluster/labelled-reports.ts";
import { llmEnv, startBotStack } from "./support/bot-stack.ts";
import type { DiscordEmulator, RecordedMessage, SlashCommandSpec } from "./support/discord-emulator/index.ts";
import { startTestServer, type TestServer } from "./support/http-server.ts";
import { startOpenAiServer, type OpenAiServer } from "./support/openai-server.ts";

const GUILD = "800000000000000101";
const BOERSE = "810000000000000101";
const QUIET = "810000000000000102";
const MANAGER = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;
const MEMBER = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands;
const HOUR = 3_600_000;
const TICKERS = ["BABA", "SIE.DE", "NVDA"] as const;
/** The labelled reports of the three tickers, placed in the last day (the digest reads 24 h). */
const REPORTS = LABELLED_REPORTS.filter((r) => (TICKERS as readonly string[]).includes(r.ticker));
const OUTLETS = ["Market Wire", "Finance Daily", "Börsenblick"] as const;
const slug = (outlet: string) => outlet.toLowerCase().replace(/[^a-z]+/g, "-");

let dir: string;
let news: TestServer;
let llm: OpenAiServer;
let emu: DiscordEmulator;
let app: App;
let closeStack: (() => Promise<void>) | undefined;
let now: number;

function publishedAt(report: LabelledReport): Date {
  const first = Math.min(...REPORTS.filter((r) => r.ticker === report.ticker).map((r) => r.hours));
  return new Date(now - 20 * HOUR + (report.hours - first) * HOUR);
}

/** Extra single-outlet headlines so every ticker has 5 stories. */
function fillers(ticker: string): LabelledReport[] {
  const count = 5 - new Set(REPORTS.filter((r) => r.ticker === ticker).map((r) => r.event)).size;
  return Array.from({ length: count }, (_, i) => ({
    id: `${ticker}-filler-${i}`,
    event: `${ticker}-filler-${i}`,
    ticker,
    outlet: "Market Wire",
    language: "en" as const,
    hours: REPORTS.find((r) => r.ticker === ticker)?.hours ?? 0,
    title: [`Analyst day: ${ticker} sets meeting date`, `${ticker} appoints board member`, `${ticker} annual meeting venue confirmed`][i] ?? `${ticker} note ${i}`,
    teaser: "A routine corporate notice.",
    paragraphs: ["A routine corporate notice without market-moving content, published for the record."],
  }));
}

const ALL = [...REPORTS, ...TICKERS.flatMap(fillers)];

function feed(outlet: string, ticker: string): string {
  const items = ALL.filter((r) => r.outlet === outlet && r.ticker === ticker)
    .map(
      (r) =>
        `<item><title>${r.title}</title><link>${news.url}/${slug(outlet)}/${r.id}</link><guid>${r.id}</guid>` +
        `<pubDate>${publishedAt(r).toUTCString()}</pubDate><description>${r.teaser}</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${outlet}</title><link>${news.url}/${slug(outlet)}</link><description>${ticker}</description>\n${items}\n</channel></rss>`;
}

function page(r: LabelledReport): string {
  return `<!doctype html><html lang="${r.language}"><head><meta charset="utf-8"><title>${r.title} | ${r.outlet}</title><meta property="og:site_name" content="${r.outlet}">
<meta property="article:published_time" content="${publishedAt(r).toISOString()}"></head><body><main><article><h1>${r.title}</h1>
${[r.teaser, ...r.paragraphs, ...r.paragraphs].map((p) => `<p>${p}</p>`).join("\n")}</article></main></body></html>`;
}

function run(spec: SlashCommandSpec) {
  return emu.dispatchSlashCommand({ channelId: BOERSE, memberPermissions: MANAGER, ...spec });
}

async function reply(h: ReturnType<typeof run>): Promise<RecordedMessage> {
  return h.waitForReply((m) => m.content.length > 0 || m.embeds.length > 0, 30_000);
}

const channelPosts = (channelId: string) => emu.channelMessages(channelId).filter((m) => m.source === "channel");

beforeAll(async () => {
  now = Date.now();
  dir = mkdtempSync(join(tmpdir(), "marketbrief-digest-i18n-"));
  news = await startTestServer();
  for (const outlet of OUTLETS) {
    news.route(`/${slug(outlet)}/rss`, (_req, res, ctx) => {
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(feed(outlet, ctx.url.searchParams.get("s") ?? ""));
    });
  }
  for (const r of ALL) news.route(`/${slug(r.outlet)}/${r.id}`, { headers: { "content-type": "text/html; charset=utf-8" }, body: page(r) });
  llm = await startOpenAiServer({
    schemas: { ticker_synthesis: () => ({ tone: "bullish", bullets: ["Erste Aussage.", "Zweite Aussage."], driverStoryIds: [] }) },
  });
  ({ emu, app, close: closeStack } = await startBotStack({
    emulator: { guilds: [{ id: GUILD, name: "Börse", locale: "de", channels: [{ id: BOERSE, name: "boerse" }, { id: QUIET, name: "quiet" }] }] },
    env: {
      ...llmEnv(llm),
      FETCH_ALLOW_PRIVATE: "127.0.0.1",
      NEWS_FEEDS: OUTLETS.map((o) => `${news.url}/${slug(o)}/rss?s={symbol}`).join(" "),
      DATABASE_URL: `sqlite:${join(dir, "digest.db")}`,
      DIGEST_NOW_COOLDOWN_S: "600",
    },
  }));
  for (const ticker of TICKERS) await app.store.addWatch(BOERSE, GUILD, ticker, 25);
}, 60_000);

afterAll(async () => {
  await closeStack?.();
  await llm?.close();
  await news?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the digest in the channel's language", () => {
  it("registers the commands with German descriptions", () => {
    const digest = emu.commands.find((c) => c.name === "digest");
    expect(digest?.description_localizations?.de).toBe("Der tägliche Markt-Digest dieses Kanals");
    const schedule = digest?.options?.find((o) => o.name === "schedule");
    expect(schedule?.description_localizations?.de).toMatch(/Wann der Tages-Digest kommt/);
    const subOptions = (schedule as { options?: Array<{ name: string; description_localizations?: Record<string, string> | null }> } | undefined)?.options;
    expect(subOptions?.find((o) => o.name === "language")?.description_localizations?.de).toBe("Sprache des Digests (Standard: Sprache des Servers)");
    expect(emu.commands.find((c) => c.name === "watch")?.description_localizations?.de).toMatch(/Ticker, denen dieser Kanal/);
  });

  it("/digest schedule defaults to the server's language and answers a German reader in German", async () => {
    const message = await reply(run({ name: "digest", subcommand: "schedule", options: { time: "7:30", timezone: "Europe/Berlin" }, locale: "de" }));
    expect(message.content).toContain("Tages-Digest für diesen Kanal: 07:30 Europe/Berlin");
    expect(message.content).toContain("auf Deutsch");
    expect((await app.store.getChannel(BOERSE))?.language).toBe("de");
  });

  it("gives a German reader German errors", async () => {
    const bad = await reply(run({ name: "digest", subcommand: "schedule", options: { time: "25:99", timezone: "Europe/Berlin" }, locale: "de" }));
    expect(bad.ephemeral).toBe(true);
    expect(bad.content).toContain("ist keine Uhrzeit");
    const denied = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "SAP.DE" }, memberPermissions: MEMBER, locale: "de" }));
    expect(denied.content).toContain("Kanäle verwalten");
    const english = await reply(run({ name: "watch", subcommand: "add", options: { ticker: "SAP.DE" }, memberPermissions: MEMBER, locale: "en-US" }));
    expect(english.content).toContain("You need the Manage Channels permission");
  });

  it("/digest now by a member without Manage Channels posts nothing in the channel and answers privately", async () => {
    const before = channelPosts(BOERSE).length;
    const answer = await reply(run({ name: "digest", subcommand: "now", memberPermissions: MEMBER, locale: "de" }));
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain("nur du");
    expect(answer.embeds.map((e) => e.title?.split(" · ")[0]?.replace(/^\S+ /, ""))).toEqual([...TICKERS]);
    expect(channelPosts(BOERSE).length).toBe(before);
  }, 60_000);

  let post: RecordedMessage | undefined;
  it("/digest now by a manager posts 3 tickers with 5 stories each as one German message", async () => {
    const before = channelPosts(BOERSE).length;
    const confirmation = await reply(run({ name: "digest", subcommand: "now", locale: "en-US" }));
    expect(confirmation.content).toBe("Digest posted (3 tickers).");
    const posts = channelPosts(BOERSE).slice(before);
    expect(posts).toHaveLength(1);
    post = posts[0];
    expect(post?.allowedMentions).toEqual({ parse: [] });
    expect(post?.embeds).toHaveLength(3);
    for (const embed of post?.embeds ?? []) {
      expect(embed.description).toContain("**Stimmung:** Positiv");
      expect(embed.description).toContain("**Wichtigste Meldungen**");
      expect(embed.description).toMatch(/\*\*5\.\*\*/);
      expect(embed.description).not.toMatch(/\*\*6\.\*\*/);
      expect(embed.footer?.text).toBe("Keine Anlageberatung");
    }
    expect(post?.content).toMatch(/^\*\*Digest\*\* · 3 Ticker · Nachrichten seit <t:\d+:F>/);
  }, 120_000);

  it("asked for the syntheses in German", () => {
    const syntheses = llm.requests.filter((r) => r.schemaName === "ticker_synthesis");
    expect(syntheses.length).toBe(3);
    for (const request of syntheses) expect(JSON.stringify(request.body.messages)).toContain("German");
  });

  it("shows each same-event report of several outlets as one story crediting every outlet", () => {
    const baba = post?.embeds.find((e) => e.title?.includes("BABA"))?.description ?? "";
    const lines = baba.split("\n");
    const results = lines.findIndex((l) => l.includes("Alibaba cloud revenue jumps 26%"));
    expect(results).toBeGreaterThanOrEqual(0);
    // The earliest report is the headline; the other outlets are credited on the next line.
    expect(lines[results + 1]).toContain("Finance Daily");
    expect(lines[results + 1]).toContain("Börsenblick");
    expect(baba).not.toContain("Alibaba cloud unit revenue up 26 percent");
    expect(baba).not.toContain("Cloud-Umsatz wächst");
    // The buyback is its own story, told by two outlets in two languages.
    expect(baba).toContain("Alibaba boosts share buyback programme by $25 billion");
    expect(baba).not.toContain("Alibaba stockt Aktienrückkauf");
    const storyCount = (baba.match(/\*\*\d+\.\*\*/g) ?? []).length;
    expect(storyCount).toBe(5);
  });
});
