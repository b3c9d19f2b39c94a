import type { APIEmbed } from "discord-api-types/v10";
import { HEADLINES_ONLY_WARNING } from "../core/digest-builder.ts";
import type { Digest, DigestStory, Sentiment, TickerDigest } from "../core/digest.ts";
import { escapeMarkdown, plainText } from "./escape.ts";
import { translator, type Translator } from "./i18n.ts";
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
  /** Language of every label, number and date (default: the digest's own language). */
  language?: string;
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

function discordTimestamp(iso: string | undefined, style: "R" | "f" | "F"): string | undefined {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? `<t:${Math.floor(ms / 1000)}:${style}>` : undefined;
}

function storyBlock(story: DigestStory, index: number, tr: Translator): string {
  const title = escapeMarkdown(story.title, BUDGET.storyTitle) || tr.t("digest.untitled");
  const head = `**${index}.** ${maskedLink(title, story.url)}`;
  const outlets: string[] = [];
  for (const source of story.sources) {
    const name = escapeMarkdown(source.outlet, BUDGET.outlet) || "source";
    // The headline already links the representative page; other outlets link their own.
    outlets.push(source.url === story.url ? name : maskedLink(name, source.url));
  }
  const when = discordTimestamp(story.publishedAt, "R");
  const meta = [outlets.join(" · "), movesOf(story, tr), when].filter((part) => part !== undefined && part !== "").join(" · ");
  return meta === "" ? head : `${head}\n${meta}`;
}

/** The price moves the story's brief states (also from the extractive engine: no model needed). */
function movesOf(story: DigestStory, tr: Translator): string | undefined {
  const parts: string[] = [];
  for (const ticker of story.brief?.tickers ?? []) {
    const move = ticker.moves[0];
    if (move === undefined) continue;
    const figures = [
      move.changePct !== null ? tr.percent(move.changePct) : undefined,
      move.price !== null && move.currency !== null ? tr.price(move.price, move.currency) : undefined,
    ].filter((f) => f !== undefined);
    if (figures.length > 0) parts.push(`${escapeMarkdown(ticker.symbol, 16)} ${figures.join(", ")}`);
    if (parts.length >= 2) break;
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
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

function tickerDescription(ticker: TickerDigest, since: string, generatedAt: string, tr: Translator): string {
  const parts: string[] = [];
  if (ticker.price !== undefined) parts.push(priceLine(ticker.price, Date.parse(generatedAt), tr.language, ticker.symbol));
  if (ticker.mode === "llm" && ticker.tone !== null) parts.push(`**${tr.t("digest.tone")}:** ${tr.t(`digest.tone.${ticker.tone}`)}`);
  const bullets = ticker.mode === "llm" ? ticker.bullets.map((b) => escapeMarkdown(b, BUDGET.bullet)).filter((b) => b !== "") : [];
  if (bullets.length > 0) parts.push(bullets.map((b) => `• ${b}`).join("\n"));
  const head = parts.join("\n");
  if (ticker.stories.length === 0) {
    const sinceText = discordTimestamp(since, "f");
    const none = sinceText ? tr.t("digest.noStoriesSince", { since: sinceText }) : tr.t("digest.noStories");
    return head === "" ? none : `${head}\n\n${none}`;
  }
  const label = `**${ticker.mode === "llm" ? tr.t("digest.topStories") : tr.t("digest.headlines")}**`;
  const prefix = head === "" ? `${label}\n` : `${head}\n\n${label}\n`;
  const blocks = ticker.stories.map((story, i) => storyBlock(story, i + 1, tr));
  const list = fitBlocks(blocks, BUDGET.description - prefix.length, "\n", (count) => tr.t("digest.moreStories", { count }));
  return `${prefix}${list}`;
}

export function renderTickerEmbed(
  ticker: TickerDigest,
  digest: Pick<Digest, "since" | "generatedAt">,
  tr: Translator = translator("en"),
  headlinesNoticeShown = false,
): APIEmbed {
  const tone = ticker.mode === "llm" && ticker.tone !== null ? ticker.tone : undefined;
  const symbol = escapeMarkdown(ticker.symbol, 32) || "?";
  const name = escapeMarkdown(ticker.name, 160);
  const title = `${tone ? `${TONE_EMOJI[tone]} ` : ""}${symbol}${name ? ` · ${name}` : ""}`;
  // The header says "headlines only" once when the whole digest is; a ticker's footer only when it alone is.
  const notAdvice = tr.t("digest.notAdvice");
  const footer = ticker.mode === "headlines" && !headlinesNoticeShown ? `${tr.t("digest.headlinesOnly")} · ${notAdvice}` : notAdvice;
  const generated = Date.parse(digest.generatedAt);
  return {
    title: title.length > EMBED_LIMITS.title ? `${title.slice(0, EMBED_LIMITS.title - 1)}…` : title,
    description: tickerDescription(ticker, digest.since, digest.generatedAt, tr),
    color: tone ? TONE_COLOR[tone] : HEADLINES_COLOR,
    footer: { text: footer },
    ...(Number.isFinite(generated) ? { timestamp: new Date(generated).toISOString() } : {}),
  };
}

function allHeadlines(digest: Digest): boolean {
  return digest.tickers.length > 0 && digest.tickers.every((t) => t.mode === "headlines");
}

function headerContent(digest: Digest, heading: string, tr: Translator): string {
  const count = digest.tickers.length;
  const since = discordTimestamp(digest.since, "F");
  const lines = [
    `**${plainText(heading, 80)}** · ${tr.t("digest.tickers", { count })}${since ? ` · ${tr.t("digest.newsSince", { since })}` : ""}`,
  ];
  const headlinesOnly = allHeadlines(digest);
  if (headlinesOnly) lines.push(`_${tr.t("digest.headlinesOnly")}._`);
  // The notice above already says what the builder's "no model" warning says.
  const notes = headlinesOnly ? digest.warnings.filter((w) => w !== HEADLINES_ONLY_WARNING) : digest.warnings;
  const warnings = notes.slice(0, BUDGET.maxWarnings).map((w) => `⚠️ ${escapeMarkdown(w, BUDGET.warning)}`);
  const hidden = notes.length - warnings.length;
  if (hidden > 0) warnings.push(`⚠️ ${tr.t("digest.moreNotes", { count: hidden })}`);
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
  const tr = translator(options.language ?? digest.language);
  const content = headerContent(digest, options.heading ?? tr.t("digest.heading.default"), tr);
  const headlinesNoticeShown = allHeadlines(digest);
  const messages: DigestMessage[] = [];
  let current: DigestMessage = { content, embeds: [] };
  let used = 0;
  for (const ticker of digest.tickers) {
    const embed = renderTickerEmbed(ticker, digest, tr, headlinesNoticeShown);
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
