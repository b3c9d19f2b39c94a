import type { APIEmbed } from "discord-api-types/v10";
import type { Digest, DigestStory, Sentiment, TickerDigest } from "../core/digest.ts";
import { escapeMarkdown, plainText } from "./escape.ts";
import { EMBED_LIMITS, embedLength } from "./render-brief.ts";
import { priceLine } from "./render-quote.ts";

/** One Discord message of a digest: what the publisher posts (nonce and mentions are its business). */
export interface DigestMessage {
  content?: string;
  embeds: APIEmbed[];
  /** Attached images (the day's price chart). */
  files?: Array<{ name: string; data: Uint8Array }>;
}

export interface RenderDigestOptions {
  /** First words of the first message, e.g. "Daily digest" (default "Market digest"). */
  heading?: string;
}

export const NOT_ADVICE = "Not investment advice";
export const HEADLINES_ONLY_MARK = "Headlines only: no model was available";

const CONTENT_MAX = 2000;
const BUDGET = {
  /** Kept under Discord's 4096 so two typical tickers share a message. */
  description: 4000,
  bullet: 300,
  storyTitle: 180,
  outlet: 60,
  warning: 300,
  maxWarnings: 5,
  /** Longer links are shown unlinked rather than eat the description. */
  url: 600,
} as const;

const TONE_EMOJI: Record<Sentiment, string> = { bullish: "📈", bearish: "📉", neutral: "➖" };
const TONE_LABEL: Record<Sentiment, string> = { bullish: "Bullish", bearish: "Bearish", neutral: "Neutral" };
const TONE_COLOR: Record<Sentiment, number> = { bullish: 0x2e9e5b, bearish: 0xd64545, neutral: 0x5865f2 };
const HEADLINES_COLOR = 0x99aab5;

/**
 * A link target for a masked link: only an http(s) URL (the feed's checked canonical link),
 * with the characters that would end or break `[text](url)` percent-encoded.
 */
export function markdownLinkTarget(url: string): string | undefined {
  if (url.length > BUDGET.url || /\s/.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (parsed.username !== "" || parsed.password !== "") return undefined;
  return parsed.href.replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/</g, "%3C").replace(/>/g, "%3E");
}

function maskedLink(text: string, url: string): string {
  const target = markdownLinkTarget(url);
  return target === undefined ? text : `[${text}](${target})`;
}

function discordTimestamp(iso: string | undefined, style: "R" | "f"): string | undefined {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? `<t:${Math.floor(ms / 1000)}:${style}>` : undefined;
}

function storyBlock(story: DigestStory, index: number): string {
  const title = escapeMarkdown(story.title, BUDGET.storyTitle) || "Untitled story";
  const head = `**${index}.** ${maskedLink(title, story.url)}`;
  const outlets: string[] = [];
  for (const source of story.sources) {
    const name = escapeMarkdown(source.outlet, BUDGET.outlet) || "source";
    // The headline already links the representative page; other outlets link their own.
    outlets.push(source.url === story.url ? name : maskedLink(name, source.url));
  }
  const when = discordTimestamp(story.publishedAt, "R");
  const meta = [outlets.join(" · "), when].filter((part) => part !== undefined && part !== "").join(" · ");
  return meta === "" ? head : `${head}\n${meta}`;
}

/** Adds blocks while they fit, then says how many did not. */
function fitBlocks(blocks: readonly string[], budget: number, separator: string, more: (n: number) => string): string {
  const kept: string[] = [];
  let used = 0;
  const reserve = more(blocks.length).length + separator.length;
  for (const [i, block] of blocks.entries()) {
    const cost = block.length + (kept.length > 0 ? separator.length : 0);
    const isLast = i === blocks.length - 1;
    if (used + cost > budget - (isLast ? 0 : reserve)) break;
    kept.push(block);
    used += cost;
  }
  const rest = blocks.length - kept.length;
  if (rest > 0) kept.push(more(rest));
  return kept.join(separator);
}

function tickerDescription(ticker: TickerDigest, since: string, generatedAt: string): string {
  const parts: string[] = [];
  if (ticker.price !== undefined) parts.push(priceLine(ticker.price, Date.parse(generatedAt)));
  if (ticker.mode === "llm" && ticker.tone !== null) parts.push(`**Tone:** ${TONE_LABEL[ticker.tone]}`);
  const bullets = ticker.mode === "llm" ? ticker.bullets.map((b) => escapeMarkdown(b, BUDGET.bullet)).filter((b) => b !== "") : [];
  if (bullets.length > 0) parts.push(bullets.map((b) => `• ${b}`).join("\n"));
  const head = parts.join("\n");
  if (ticker.stories.length === 0) {
    const sinceText = discordTimestamp(since, "f");
    const none = sinceText ? `No new stories since ${sinceText}.` : "No new stories.";
    return head === "" ? none : `${head}\n\n${none}`;
  }
  const label = ticker.mode === "llm" ? "**Top stories**" : "**Headlines**";
  const prefix = head === "" ? `${label}\n` : `${head}\n\n${label}\n`;
  const blocks = ticker.stories.map((story, i) => storyBlock(story, i + 1));
  const list = fitBlocks(blocks, BUDGET.description - prefix.length, "\n", (n) => `…and ${n} more ${n === 1 ? "story" : "stories"}`);
  return `${prefix}${list}`;
}

export function renderTickerEmbed(ticker: TickerDigest, digest: Pick<Digest, "since" | "generatedAt">): APIEmbed {
  const tone = ticker.mode === "llm" && ticker.tone !== null ? ticker.tone : undefined;
  const symbol = escapeMarkdown(ticker.symbol, 32) || "?";
  const name = escapeMarkdown(ticker.name, 160);
  const title = `${tone ? `${TONE_EMOJI[tone]} ` : ""}${symbol}${name ? ` · ${name}` : ""}`;
  const footer = ticker.mode === "headlines" ? `${HEADLINES_ONLY_MARK} · ${NOT_ADVICE}` : NOT_ADVICE;
  const generated = Date.parse(digest.generatedAt);
  return {
    title: title.length > EMBED_LIMITS.title ? `${title.slice(0, EMBED_LIMITS.title - 1)}…` : title,
    description: tickerDescription(ticker, digest.since, digest.generatedAt),
    color: tone ? TONE_COLOR[tone] : HEADLINES_COLOR,
    footer: { text: footer },
    ...(Number.isFinite(generated) ? { timestamp: new Date(generated).toISOString() } : {}),
  };
}

function headerContent(digest: Digest, heading: string): string {
  const count = digest.tickers.length;
  const since = discordTimestamp(digest.since, "f");
  const lines = [
    `**${plainText(heading, 80)}** · ${count} ${count === 1 ? "ticker" : "tickers"}${since ? ` · news since ${since}` : ""}`,
  ];
  if (count > 0 && digest.tickers.every((t) => t.mode === "headlines")) lines.push(`_${HEADLINES_ONLY_MARK}._`);
  const warnings = digest.warnings.slice(0, BUDGET.maxWarnings).map((w) => `⚠️ ${escapeMarkdown(w, BUDGET.warning)}`);
  const hidden = digest.warnings.length - warnings.length;
  if (hidden > 0) warnings.push(`⚠️ …and ${hidden} more ${hidden === 1 ? "note" : "notes"}`);
  const content = [...lines, ...warnings].join("\n");
  return content.length <= CONTENT_MAX ? content : `${content.slice(0, CONTENT_MAX - 1)}…`;
}

/**
 * A digest as Discord messages: an embed per ticker, packed into as few messages as Discord's
 * limits allow (10 embeds and 6000 embed characters per message), a header with the notes on
 * the first. Pure. The only links are masked links to the stories' own URLs from the feeds;
 * every feed or model text is escaped, so nothing pings or formats.
 */
export function renderDigest(digest: Digest, options: RenderDigestOptions = {}): DigestMessage[] {
  const content = headerContent(digest, options.heading ?? "Market digest");
  const messages: DigestMessage[] = [];
  let current: DigestMessage = { content, embeds: [] };
  let used = 0;
  for (const ticker of digest.tickers) {
    const embed = renderTickerEmbed(ticker, digest);
    const length = embedLength(embed);
    if (current.embeds.length >= EMBED_LIMITS.embedsPerMessage || (current.embeds.length > 0 && used + length > EMBED_LIMITS.totalPerMessage)) {
      messages.push(current);
      current = { embeds: [] };
      used = 0;
    }
    current.embeds.push(embed);
    used += length;
  }
  messages.push(current);
  return messages;
}
