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
 *   npx node --max-old-space-size=320 bench/digest-scale.ts --sqlite-sync normal   # heap cap, WAL-normal syncs
 *
 * The servers (feeds, article pages, model stand-in) run in a child process, so the peak RSS
 * reported is the digest process's own. Politeness intervals are 0 here (local servers); the
 * per-host concurrency limits stay on.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
import { createPageFetcher } from "../src/adapters/fetch/guarded-fetcher.ts";
import { createOpenAiEngine } from "../src/adapters/llm/openai-engine.ts";
import { createOpenAiSynthesizer, SYNTHESIS_SCHEMA_NAME } from "../src/adapters/llm/openai-synthesis.ts";
import { createFeedFetcher } from "../src/adapters/news/feed-fetcher.ts";
import { expandFeedTemplates } from "../src/adapters/news/feed-templates.ts";
import { openSqliteStore } from "../src/adapters/store/sqlite-store.ts";
import { loadSymbolDirectory, parseSymbolCsv } from "../src/adapters/symbols/directory.ts";
import { createExtractiveEngine } from "../src/core/extractive/engine.ts";
import { createDigestBuilder, digestSince } from "../src/core/digest-builder.ts";
import type { TickerDigest } from "../src/core/digest.ts";
import { createSummarizer } from "../src/core/summarize.ts";

export interface DigestScaleOptions {
  tickers?: number;
  storiesPerTicker?: number;
  channels?: number;
  tickersPerChannel?: number;
  /** Article outlets (one loopback host each). */
  outlets?: number;
  /** Stories kept per ticker in a digest. */
  storyCap?: number;
  articleConcurrency?: number;
  seed?: number;
  /** SQLite `PRAGMA synchronous` for the store (default: the store's own, FULL). */
  sqliteSynchronous?: "FULL" | "NORMAL";
}

export interface Row {
  metric: string;
  value: string;
  target?: string;
  ok?: boolean;
}

const HERE = fileURLToPath(import.meta.url);
const SYMBOLS_CSV = fileURLToPath(new URL("../assets/symbols/symbols.csv", import.meta.url));
const HOUR = 3_600_000;
/** Discord's global limit is 50 requests/s; the planned pacer keeps a margin. */
const DISCORD_GLOBAL_PER_S = 50;
const PACER_PER_S = 45;

// ---------------------------------------------------------------------------------------------
// The synthetic news world (built identically in the bench and the server child from the seed).

interface WorldTicker {
  symbol: string;
  name: string;
}

interface WorldStory {
  id: string;
  ticker: number;
  company: string;
  outlet: number;
  title: string;
  publishedMs: number;
  /** A second outlet's report of the same story: its own link and a variant title. */
  alt?: { outlet: number; title: string; publishedMs: number };
  /** Also listed by the second feed under the same link with tracking parameters. */
  tracked: boolean;
}

interface World {
  tickers: WorldTicker[];
  /** Per ticker, the stories its feeds list (own ones plus two of the next ticker's). */
  listings: WorldStory[][];
  stories: Map<string, WorldStory>;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const EVENTS = [
  ["reports", "quarterly", "revenue", "above", "forecasts"],
  ["announces", "share", "buyback", "programme", "expansion"],
  ["appoints", "new", "chief", "financial", "officer"],
  ["faces", "regulatory", "probe", "over", "pricing"],
  ["signs", "supply", "deal", "with", "automaker"],
  ["cuts", "full-year", "guidance", "citing", "weak", "demand"],
  ["opens", "research", "centre", "in", "Singapore"],
  ["wins", "government", "contract", "for", "cloud", "services"],
  ["recalls", "products", "after", "safety", "complaints"],
  ["raises", "dividend", "by", "ten", "percent"],
  ["plans", "layoffs", "across", "european", "offices"],
  ["completes", "acquisition", "of", "software", "rival"],
  ["settles", "patent", "dispute", "out", "of", "court"],
  ["launches", "subscription", "tier", "for", "businesses"],
  ["issues", "green", "bonds", "worth", "billions"],
  ["shifts", "production", "to", "Mexico", "plant"],
  ["hires", "banks", "for", "possible", "spin-off"],
  ["upgraded", "by", "analysts", "on", "margin", "outlook"],
  ["delays", "product", "launch", "until", "autumn"],
  ["expands", "partnership", "on", "battery", "technology"],
] as const;

const SYNONYMS: Record<string, string> = {
  reports: "posts", announces: "unveils", appoints: "names", faces: "hit by", signs: "agrees", cuts: "lowers",
  opens: "launches", wins: "secures", recalls: "pulls", raises: "lifts", plans: "weighs", completes: "closes",
  settles: "resolves", launches: "rolls out", issues: "sells", shifts: "moves", hires: "picks", upgraded: "lifted",
  delays: "postpones", expands: "extends",
};

function shortName(name: string): string {
  const words = name.replace(/[.,()]/g, " ").split(/\s+/).filter(Boolean);
  return words.slice(0, Math.min(2, words.length)).join(" ");
}

function buildWorld(tickers: WorldTicker[], storiesPerTicker: number, outlets: number, nowMs: number, seed: number): World {
  const random = rng(seed);
  const stories = new Map<string, WorldStory>();
  const own: WorldStory[][] = tickers.map((ticker, i) => {
    const company = shortName(ticker.name);
    const count = Math.max(1, storiesPerTicker - 2);
    return Array.from({ length: count }, (_, j) => {
      const event = EVENTS[j % EVENTS.length] ?? EVENTS[0];
      const code = `${i.toString(36)}x${j.toString(36)}`;
      const title = `${company} ${event.join(" ")} (${code})`;
      const outlet = Math.floor(random() * outlets);
      const publishedMs = nowMs - Math.floor(random() * 30 * HOUR);
      const story: WorldStory = { id: `t${i}s${j}`, ticker: i, company, outlet, title, publishedMs, tracked: j % 5 === 1 };
      if (j % 4 === 0) {
        const verb = event[0];
        const variant = [SYNONYMS[verb] ?? verb, ...event.slice(1)].join(" ");
        story.alt = {
          outlet: (outlet + 1 + Math.floor(random() * (outlets - 1))) % outlets,
          title: `${company} ${variant} (${code}) - Outlet ${(outlet + 1) % outlets}`,
          publishedMs: publishedMs + Math.floor(random() * 2 * HOUR),
        };
      }
      stories.set(story.id, story);
      return story;
    });
  });
  const listings = own.map((list, i) => {
    const next = own[(i + 1) % own.length] ?? [];
    return tickers.length > 1 && storiesPerTicker > 2 ? [...list, ...next.slice(0, 2)] : list;
  });
  return { tickers, listings, stories };
}

// ---------------------------------------------------------------------------------------------
// Server child: feeds on two aggregator hosts, article pages on one host per outlet, the model.

interface ServeRequest {
  kind: "serve";
  tickerCount: number;
  storiesPerTicker: number;
  outlets: number;
  nowMs: number;
  seed: number;
}

interface ServeReady {
  kind: "ready";
  tickers: WorldTicker[];
  templates: string[];
  llmUrl: string;
}

interface ServeStats {
  kind: "stats";
  feedRequests: number;
  pageRequests: number;
  uniquePagesRequested: number;
  llm: Record<string, number>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function rssItem(title: string, link: string, publishedMs: number, outlet: number): string {
  return `<item><title>${escapeXml(title)}</title><link>${escapeXml(link)}</link><pubDate>${new Date(publishedMs).toUTCString()}</pubDate><source url="http://outlet${outlet}.example/">Outlet ${outlet}</source></item>`;
}

function rss(title: string, items: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${title}</title>${items.join("")}</channel></rss>`;
}

function articlePage(story: WorldStory, alt: boolean): string {
  const title = alt ? (story.alt?.title ?? story.title) : story.title;
  const c = story.company;
  const paragraphs = [
    `${c} said on Tuesday that it ${title.replace(`${c} `, "").replace(/ \(.*$/, "")}, a move the company expects to shape its results this year.`,
    `The announcement came after weeks of talks with partners and investors, according to people familiar with the matter at ${c}.`,
    `Shares of ${c} moved 2.4 percent in early trading as analysts weighed the news against the company's earlier guidance for the year.`,
    `A spokesperson for ${c} declined to give further details beyond the statement published on the company's website.`,
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<meta property="article:published_time" content="${new Date(story.publishedMs).toISOString()}"></head>
<body><main><article><h1>${escapeXml(title)}</h1>${paragraphs.map((p) => `<p>${escapeXml(p)}</p>`).join("")}</article></main></body></html>`;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, host: string): Promise<string> {
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

async function serve(request: ServeRequest): Promise<void> {
  const { startOpenAiServer, validBriefFor } = await import("../test/support/openai-server.ts");
  const world = buildWorld(pickSymbols(request.tickerCount, request.seed), request.storiesPerTicker, request.outlets, request.nowMs, request.seed);
  const bySymbol = new Map(world.tickers.map((t, i) => [t.symbol, i]));
  let feedRequests = 0;
  let pageRequests = 0;
  const pagesSeen = new Set<string>();
  const outletHosts = Array.from({ length: request.outlets }, (_, k) => `127.0.0.${10 + k}`);
  const outletOrigins: string[] = [];

  const pageHandler = (req: IncomingMessage, res: ServerResponse) => {
    pageRequests += 1;
    const match = /^\/p\/(t\d+s\d+)(-alt)?\.html$/.exec(req.url ?? "");
    const story = match ? world.stories.get(match[1] ?? "") : undefined;
    if (!match || !story) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    pagesSeen.add(`${req.headers.host}${req.url}`);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(articlePage(story, match[2] !== undefined));
  };
  for (const host of outletHosts) outletOrigins.push(await listen(pageHandler, host));
  const pageUrl = (story: WorldStory, alt: boolean) =>
    `${outletOrigins[alt ? (story.alt?.outlet ?? story.outlet) : story.outlet]}/p/${story.id}${alt ? "-alt" : ""}.html`;

  const feedHandler = (second: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    feedRequests += 1;
    const url = new URL(req.url ?? "/", "http://x");
    const index = bySymbol.get(url.searchParams.get("s") ?? "");
    const listing = index === undefined ? undefined : world.listings[index];
    if (listing === undefined) return void res.writeHead(404, { "content-type": "text/plain" }).end("no feed");
    const items = second
      ? listing.flatMap((s) => [
          ...(s.alt ? [rssItem(s.alt.title, pageUrl(s, true), s.alt.publishedMs, s.alt.outlet)] : []),
          ...(s.tracked ? [rssItem(s.title, `${pageUrl(s, false)}?utm_source=daily&utm_medium=rss`, s.publishedMs, s.outlet)] : []),
        ])
      : listing.map((s) => rssItem(s.title, pageUrl(s, false), s.publishedMs, s.outlet));
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(rss(second ? "Daily" : "Wire", items));
  };
  const wire = await listen(feedHandler(false), "127.0.0.2");
  const daily = await listen(feedHandler(true), "127.0.0.3");

  const llm = await startOpenAiServer({
    schemas: {
      brief: (req) => validBriefFor(req),
      [SYNTHESIS_SCHEMA_NAME]: (req) => {
        const text = req.body.messages.map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");
        const ids = [...text.matchAll(/<story id="([^"]+)">/g)].map((m) => m[1] ?? "");
        return { tone: "neutral", bullets: ["First development of the day.", "Second development of the day."], driverStoryIds: ids.slice(0, 2) };
      },
    },
  });

  const ready: ServeReady = { kind: "ready", tickers: world.tickers, templates: [`${wire}/rss?s={symbol}`, `${daily}/rss?s={symbol}`], llmUrl: llm.url };
  process.send?.(ready);
  process.on("message", (message: { kind: string }) => {
    if (message.kind === "stats") {
      const llmCounts: Record<string, number> = {};
      for (const r of llm.requests) llmCounts[r.schemaName ?? "none"] = (llmCounts[r.schemaName ?? "none"] ?? 0) + 1;
      const stats: ServeStats = { kind: "stats", feedRequests, pageRequests, uniquePagesRequested: pagesSeen.size, llm: llmCounts };
      process.send?.(stats);
    } else if (message.kind === "exit") {
      process.exit(0);
    }
  });
}

function ask<T extends { kind: string }>(child: ChildProcess, message: object, kind: T["kind"]): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: T) => {
      if (reply.kind !== kind) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(reply);
    };
    const onExit = (code: number | null) => reject(new Error(`bench server exited (${code})`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(message);
  });
}

// ---------------------------------------------------------------------------------------------
// Per-channel message planning (Discord's limits; the real renderer lives in src/discord/).

const EMBED_LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, fields: 25, perMessage: 10, totalChars: 6000 };

/** Characters one ticker's embed would take: title, bullets, one field per story with its links. */
function tickerEmbedChars(ticker: TickerDigest): number {
  const title = Math.min(EMBED_LIMITS.title, `${ticker.symbol}: ${ticker.name}${ticker.tone ? ` (${ticker.tone})` : ""}`.length);
  const description = Math.min(EMBED_LIMITS.description, ticker.bullets.reduce((n, b) => n + b.length + 3, 0));
  let fields = 0;
  for (const story of ticker.stories.slice(0, EMBED_LIMITS.fields)) {
    const name = Math.min(EMBED_LIMITS.fieldName, story.title.length);
    const value = Math.min(EMBED_LIMITS.fieldValue, story.sources.reduce((n, s) => n + s.outlet.length + s.url.length + 6, 0));
    fields += name + value;
  }
  return title + description + fields;
}

/** Messages a channel's digest needs: embeds packed under 10 per message and 6,000 characters. */
function planMessages(embedChars: readonly number[]): number {
  let messages = 0;
  let embeds = 0;
  let chars = 0;
  for (const size of embedChars) {
    if (messages === 0 || embeds === EMBED_LIMITS.perMessage || chars + size > EMBED_LIMITS.totalChars) {
      messages += 1;
      embeds = 0;
      chars = 0;
    }
    embeds += 1;
    chars += size;
  }
  return Math.max(messages, 1);
}

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

// ---------------------------------------------------------------------------------------------

/** Real listings from the shipped directory (read in the server child, so the bench's RSS stays the bot's own). */
function pickSymbols(count: number, seed: number): WorldTicker[] {
  const rows = parseSymbolCsv(readFileSync(SYMBOLS_CSV, "utf8")).filter((r) => !r.symbol.includes("-"));
  const random = rng(seed ^ 0x5eed);
  const picked = new Map<string, WorldTicker>();
  while (picked.size < Math.min(count, rows.length)) {
    const row = rows[Math.floor(random() * rows.length)];
    if (row && !picked.has(row.symbol)) picked.set(row.symbol, { symbol: row.symbol, name: row.name });
  }
  return [...picked.values()];
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(0)} MB`;
}

export async function runDigestScaleBench(options: DigestScaleOptions = {}): Promise<Row[]> {
  const tickerCount = options.tickers ?? 1_000;
  const storiesPerTicker = options.storiesPerTicker ?? 20;
  const channelCount = options.channels ?? 10_000;
  const perChannel = Math.min(options.tickersPerChannel ?? 5, tickerCount);
  const outlets = options.outlets ?? 8;
  const seed = options.seed ?? 42;
  const now = new Date();

  const directory = loadSymbolDirectory();
  const child = fork(HERE, ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
  const dir = mkdtempSync(join(tmpdir(), "mb-digest-bench-"));
  try {
    const ready = await ask<ServeReady>(
      child,
      { kind: "serve", tickerCount, storiesPerTicker, outlets, nowMs: now.getTime(), seed } satisfies ServeRequest,
      "ready",
    );
    const tickers = ready.tickers;
    const store = openSqliteStore(join(dir, "bench.sqlite"));
    // The store's default (FULL) syncs every commit; NORMAL is the usual WAL setting (see the report).
    if (options.sqliteSynchronous !== undefined) store.db.exec(`PRAGMA synchronous = ${options.sqliteSynchronous}`);
    const fetcher = createPageFetcher({
      allowPrivate: ["127.0.0.0/8"],
      timeoutMs: 30_000,
      connectTimeoutMs: 5_000,
      maxBytes: 2_000_000,
      userAgent: "marketbrief-bench",
    });
    const llmOptions = { apiKey: "bench", baseURL: ready.llmUrl, model: "bench-model", timeoutMs: 30_000 };
    const summarizer = createSummarizer({
      fetcher,
      extractor: createArticleExtractor(),
      extractive: createExtractiveEngine({ symbols: directory }),
      llm: createOpenAiEngine({ ...llmOptions, maxInputTokens: 6_000 }),
      store,
    });
    const feeds = createFeedFetcher({ fetcher, store, perHostConcurrency: 4, minIntervalMs: 0 });
    const builder = createDigestBuilder({
      symbols: directory,
      store,
      summarizer,
      feeds,
      feedUrls: (entry) => expandFeedTemplates(ready.templates, entry),
      synthesizer: createOpenAiSynthesizer(llmOptions),
      feedConcurrency: 8,
      articleConcurrency: options.articleConcurrency ?? 8,
      articlesPerHost: 4,
      articleHostIntervalMs: 0,
      synthesisConcurrency: 4,
      ...(options.storyCap !== undefined ? { storiesPerTicker: options.storyCap } : {}),
    });

    // Subscriptions: channel c follows ticker c mod N first (so every ticker is followed), then random others.
    const random = rng(seed);
    for (let c = 0; c < channelCount; c++) {
      const channelId = String(100_000_000_000_000_000n + BigInt(c));
      const chosen = new Set([c % tickers.length]);
      while (chosen.size < perChannel) chosen.add(Math.floor(random() * tickers.length));
      for (const index of chosen) await store.addWatch(channelId, "1", tickers[index]?.symbol ?? "", 25);
      await store.setSchedule(channelId, "1", { time: "08:00", timeZone: "Europe/Berlin", weekdaysOnly: true });
    }

    const rssBeforeBuild = process.memoryUsage().rss;
    const started = performance.now();
    const channels = await store.listScheduledChannels();
    const union = [...new Set(channels.flatMap((c) => c.symbols))];
    const digest = await builder.build({ symbols: union, since: digestSince(undefined, now), language: "en", now });
    const built = performance.now();
    const embedChars = new Map(digest.tickers.map((t) => [t.symbol, tickerEmbedChars(t)]));
    let messages = 0;
    for (const channel of channels) messages += planMessages(channel.symbols.map((s) => embedChars.get(s) ?? 0));
    const wallMs = performance.now() - started;
    const peakRss = process.resourceUsage().maxRSS * 1024;

    const stats = await ask<ServeStats>(child, { kind: "stats" }, "stats");
    const uniqueStories = new Set(digest.tickers.flatMap((t) => t.stories.map((s) => s.url)));
    const summarizedStories = new Set(digest.tickers.flatMap((t) => t.stories.filter((s) => s.brief).map((s) => s.url)));
    const synthesized = digest.tickers.filter((t) => t.mode === "llm" && t.stories.length > 0).length;
    const llmCalls = (stats.llm["brief"] ?? 0) + (stats.llm[SYNTHESIS_SCHEMA_NAME] ?? 0);
    const minimum = summarizedStories.size + synthesized;
    const feedItems = tickers.length * storiesPerTicker;

    const repeatStart = performance.now();
    await builder.build({ symbols: union, since: digestSince(undefined, now), language: "en", now });
    const repeatMs = performance.now() - repeatStart;
    const afterRepeat = await ask<ServeStats>(child, { kind: "stats" }, "stats");
    const repeatCalls = (afterRepeat.llm["brief"] ?? 0) + (afterRepeat.llm[SYNTHESIS_SCHEMA_NAME] ?? 0) - llmCalls;

    const pacing = paceSends(messages, PACER_PER_S);
    await store.close();
    return [
      {
        metric: "runtime",
        value: `Node ${process.version}, ${process.execArgv.join(" ") || "default V8 flags"}, SQLite synchronous=${options.sqliteSynchronous ?? "FULL (store default)"}`,
      },
      { metric: "tickers × stories in feeds", value: `${tickers.length} × ${storiesPerTicker} (${feedItems.toLocaleString("en")} items)` },
      { metric: "channels × tickers each", value: `${channels.length.toLocaleString("en")} × ${perChannel}` },
      { metric: "feed requests (2 feeds per ticker)", value: String(stats.feedRequests) },
      { metric: "stories in digests (after since + cap)", value: String(uniqueStories.size) },
      {
        metric: "LLM calls vs minimum (stories + tickers)",
        value: `${llmCalls} vs ${minimum} (${stats.llm["brief"] ?? 0} briefs + ${stats.llm[SYNTHESIS_SCHEMA_NAME] ?? 0} syntheses)`,
        target: "= minimum",
        ok: llmCalls === minimum,
      },
      {
        metric: "article pages fetched vs unique stories",
        value: `${stats.pageRequests} (${stats.uniquePagesRequested} distinct) vs ${summarizedStories.size}`,
        target: "= unique stories",
        ok: stats.pageRequests === summarizedStories.size,
      },
      { metric: "build (all tickers, once)", value: `${((built - started) / 1000).toFixed(1)} s` },
      { metric: "plan messages (per channel)", value: `${((wallMs - (built - started)) / 1000).toFixed(2)} s, ${messages.toLocaleString("en")} messages` },
      { metric: "wall time (excl. Discord pacing)", value: `${(wallMs / 1000).toFixed(1)} s`, target: "< 60 s", ok: wallMs < 60_000 },
      {
        metric: "peak RSS (digest process)",
        value: `${mb(peakRss)} (${mb(rssBeforeBuild)} before the build: directory, extractor, store)`,
        target: "< 400 MB",
        ok: peakRss < 400 * 1_048_576,
      },
      {
        metric: "Discord sends paced",
        value: `${pacing.maxInAnySecond}/s max in any 1-s window at ${PACER_PER_S}/s, ${pacing.durationS.toFixed(0)} s to send all`,
        target: `≤ ${DISCORD_GLOBAL_PER_S}/s`,
        ok: pacing.maxInAnySecond <= DISCORD_GLOBAL_PER_S,
      },
      { metric: "repeat build: LLM calls, time", value: `${repeatCalls}, ${(repeatMs / 1000).toFixed(1)} s`, target: "0 calls", ok: repeatCalls === 0 },
    ];
  } finally {
    child.kill();
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
  if (process.argv.includes("--serve")) {
    process.once("message", (message: ServeRequest) => void serve(message));
  } else {
    const options: DigestScaleOptions = {};
    const tickers = numberArg("tickers", "DIGEST_BENCH_TICKERS");
    const channels = numberArg("channels", "DIGEST_BENCH_CHANNELS");
    const stories = numberArg("stories", "DIGEST_BENCH_STORIES");
    const cap = numberArg("cap", "DIGEST_BENCH_CAP");
    if (tickers !== undefined) options.tickers = tickers;
    if (channels !== undefined) options.channels = channels;
    if (stories !== undefined) options.storiesPerTicker = stories;
    if (cap !== undefined) options.storyCap = cap;
    const sync = (process.argv.includes("--sqlite-sync") ? process.argv[process.argv.indexOf("--sqlite-sync") + 1] : process.env.DIGEST_BENCH_SQLITE_SYNC)?.toUpperCase();
    if (sync === "FULL" || sync === "NORMAL") options.sqliteSynchronous = sync;
    printTable(await runDigestScaleBench(options));
    process.exit(0);
  }
}
