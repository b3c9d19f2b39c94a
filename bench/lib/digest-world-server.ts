/**
 * The stand-ins of the digest-scale bench, in their own process so their memory is not counted
 * as the digest's: a synthetic news world of N tickers (real symbols from the shipped directory)
 * × S stories, served as RSS feeds on two aggregator hosts (127.0.0.2, 127.0.0.3), article
 * pages on one loopback host per outlet (127.0.0.10…), and the OpenAI-compatible stand-in
 * answering instantly; plus a control server whose GET /stats counts what was requested.
 *
 *   node bench/lib/digest-world-server.ts '{"tickerCount":1000,"storiesPerTicker":20,"outlets":8,"nowMs":…,"seed":42}'
 *
 * Prints one JSON line on stdout once listening (WorldReady), then serves until its stdin closes
 * (the parent ends or exits), so it never outlives the bench.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { SYNTHESIS_SCHEMA_NAME } from "../../src/adapters/llm/openai-synthesis.ts";
import { parseSymbolCsv } from "../../src/adapters/symbols/directory.ts";
import { startOpenAiServer, validBriefFor } from "../../test/support/openai-server.ts";
import { seededRandom } from "./seeded-random.ts";

export interface WorldRequest {
  tickerCount: number;
  storiesPerTicker: number;
  outlets: number;
  nowMs: number;
  seed: number;
}

export interface WorldTicker {
  symbol: string;
  name: string;
}

/** The line the server prints once every server listens. */
export interface WorldReady {
  tickers: WorldTicker[];
  /** NEWS_FEEDS templates of the two aggregators. */
  templates: string[];
  /** OpenAI base URL of the model stand-in. */
  llmUrl: string;
  /** GET: WorldStats as JSON. */
  statsUrl: string;
}

export interface WorldStats {
  feedRequests: number;
  pageRequests: number;
  uniquePagesRequested: number;
  /** Chat completion requests by response schema name ("none" without one). */
  llm: Record<string, number>;
}

const SYMBOLS_CSV = fileURLToPath(new URL("../../assets/symbols/symbols.csv", import.meta.url));
const HOUR = 3_600_000;

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

/** Real listings from the shipped directory, picked by the seed. */
function pickSymbols(count: number, seed: number): WorldTicker[] {
  const rows = parseSymbolCsv(readFileSync(SYMBOLS_CSV, "utf8")).filter((r) => !r.symbol.includes("-"));
  const random = seededRandom(seed ^ 0x5eed);
  const picked = new Map<string, WorldTicker>();
  while (picked.size < Math.min(count, rows.length)) {
    const row = rows[Math.floor(random() * rows.length)];
    if (row && !picked.has(row.symbol)) picked.set(row.symbol, { symbol: row.symbol, name: row.name });
  }
  return [...picked.values()];
}

function shortName(name: string): string {
  const words = name.replace(/[.,()]/g, " ").split(/\s+/).filter(Boolean);
  return words.slice(0, Math.min(2, words.length)).join(" ");
}

function buildWorld(tickers: WorldTicker[], storiesPerTicker: number, outlets: number, nowMs: number, seed: number): World {
  const random = seededRandom(seed);
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

async function serve(request: WorldRequest): Promise<void> {
  const world = buildWorld(pickSymbols(request.tickerCount, request.seed), request.storiesPerTicker, request.outlets, request.nowMs, request.seed);
  const bySymbol = new Map(world.tickers.map((t, i) => [t.symbol, i]));
  let feedRequests = 0;
  let pageRequests = 0;
  const pagesSeen = new Set<string>();
  const outletOrigins: string[] = [];

  const pageHandler = (req: IncomingMessage, res: ServerResponse) => {
    pageRequests += 1;
    const match = /^\/p\/(t\d+s\d+)(-alt)?\.html$/.exec(req.url ?? "");
    const story = match ? world.stories.get(match[1] ?? "") : undefined;
    if (!match || !story) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    pagesSeen.add(`${req.headers.host}${req.url}`);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(articlePage(story, match[2] !== undefined));
  };
  for (let k = 0; k < request.outlets; k++) outletOrigins.push(await listen(pageHandler, `127.0.0.${10 + k}`));
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

  const control = await listen((req, res) => {
    if (req.url !== "/stats") return void res.writeHead(404).end();
    const counts: Record<string, number> = {};
    for (const r of llm.requests) counts[r.schemaName ?? "none"] = (counts[r.schemaName ?? "none"] ?? 0) + 1;
    const stats: WorldStats = { feedRequests, pageRequests, uniquePagesRequested: pagesSeen.size, llm: counts };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
  }, "127.0.0.1");

  const ready: WorldReady = {
    tickers: world.tickers,
    templates: [`${wire}/rss?s={symbol}`, `${daily}/rss?s={symbol}`],
    llmUrl: llm.url,
    statsUrl: `${control}/stats`,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

if (import.meta.main) {
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  await serve(JSON.parse(process.argv[2] ?? "{}") as WorldRequest);
}
