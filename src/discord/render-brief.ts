import type { APIEmbed, APIEmbedField } from "discord-api-types/v10";
import type { BriefResult, PriceMove, Sentiment, Ticker } from "../core/brief.ts";
import type { MarketNow } from "../core/brief-market-now.ts";
import { textIsQuote } from "../core/verify/verify-brief.ts";
import { escapeMarkdown, plainText } from "./escape.ts";
import { translator, type Translator } from "./i18n.ts";

/** Discord's embed limits (UTF-16 length is used, which never undercounts Discord's characters). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  totalPerMessage: 6000,
  embedsPerMessage: 10,
} as const;

// Budgets whose sum (with field names) stays under the 6000-character message total.
const BUDGET = {
  description: 2400,
  tickers: 1000,
  whyItMatters: 1000,
  source: 400,
  note: 400,
  model: 80,
  maxKeyPoints: 8,
  maxTickers: 12,
} as const;

const TONE_EMOJI: Record<Sentiment, string> = { bullish: "📈", bearish: "📉", neutral: "➖" };
const TONE_COLOR: Record<Sentiment, number> = { bullish: 0x2e9e5b, bearish: 0xd64545, neutral: 0x5865f2 };

/** Characters Discord counts toward the 6000 total of one embed. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Only an http(s) URL the fetcher checked is ever linked, through embed.url. */
function linkableUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.length > 2048 || /\s/.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname.replace(/^www\./, "") || undefined;
  } catch {
    return undefined;
  }
}

/** "+3.48 % at 130.70 HKD" in English, "+3,48 % bei 130,70 HKD" in German. */
export function formatMove(move: PriceMove, tr: Translator = translator("en")): string {
  const change = move.changePct !== null && Number.isFinite(move.changePct) ? tr.percent(move.changePct) : undefined;
  let price: string | undefined;
  if (move.price !== null && Number.isFinite(move.price)) {
    const currency = move.currency ? move.currency.replace(/[^A-Za-z]/g, "").slice(0, 5) : "";
    price = currency ? tr.price(move.price, currency) : tr.number(move.price);
  }
  if (change !== undefined && price !== undefined) return tr.t("brief.moveAt", { change, price });
  return change ?? price ?? "";
}

function overallTone(tickers: readonly Ticker[]): Sentiment {
  let score = 0;
  for (const t of tickers) score += t.sentiment === "bullish" ? 1 : t.sentiment === "bearish" ? -1 : 0;
  return score > 0 ? "bullish" : score < 0 ? "bearish" : "neutral";
}

function renderKeyPoints(result: BriefResult, tr: Translator): string {
  const points = result.brief.keyPoints.slice(0, BUDGET.maxKeyPoints);
  if (points.length === 0) return tr.t("brief.noKeyPoints");
  const overhead = 20; // "**8.** ", "\n> _“", "”_", "\n\n"
  const perPoint = Math.floor(BUDGET.description / points.length) - overhead;
  const textMax = Math.floor(perPoint * 0.55);
  const evidenceMax = perPoint - textMax;
  return points
    .map((kp, i) => {
      // An extractive key point is its own quote: the sentence once, quoted.
      if (textIsQuote(kp)) return `**${i + 1}.** _“${escapeMarkdown(kp.evidence, perPoint)}”_`;
      const text = escapeMarkdown(kp.text, textMax);
      const evidence = escapeMarkdown(kp.evidence, evidenceMax);
      return `**${i + 1}.** ${text}${evidence ? `\n> _“${evidence}”_` : ""}`;
    })
    .join("\n\n");
}

/** "now 131.20 HKD, +0.38 % since" under a ticker's stated move. */
export function formatMarketNow(now: MarketNow, tr: Translator = translator("en")): string {
  const currency = now.currency.replace(/[^A-Za-z]/g, "").slice(0, 5);
  return tr.t("brief.nowSince", { price: currency ? tr.price(now.price, currency) : tr.number(now.price), change: tr.percent(now.changePctSince) });
}

function renderTickers(tickers: readonly Ticker[], tr: Translator, marketNow: readonly MarketNow[]): string | undefined {
  if (tickers.length === 0) return undefined;
  const lines: string[] = [];
  let used = 0;
  const shown = tickers.slice(0, BUDGET.maxTickers);
  const reserve = 20; // room for "…and N more"
  for (const t of shown) {
    const move = t.moves[0] ? ` · ${formatMove(t.moves[0], tr)}` : "";
    const current = t.moves[0] ? marketNow.find((m) => m.symbol === t.symbol) : undefined;
    const since = current ? `\n↳ ${formatMarketNow(current, tr)}` : "";
    const line = `${TONE_EMOJI[t.sentiment] ?? TONE_EMOJI.neutral} **${escapeMarkdown(t.symbol, 24) || "?"}** ${escapeMarkdown(t.name, 60)}${move}${since}`;
    if (used + line.length + 1 > BUDGET.tickers - reserve) break;
    lines.push(line);
    used += line.length + 1;
  }
  const rest = tickers.length - lines.length;
  if (rest > 0) lines.push(tr.t("brief.moreTickers", { count: rest }));
  return lines.join("\n");
}

/** The publication day as the article states it ("2026-03-09"), in the brief's language ("09.03.2026"). */
function publishedDate(publishedAt: string | undefined, tr: Translator): string | undefined {
  if (publishedAt === undefined || !/^\d{4}-\d{2}-\d{2}/.test(publishedAt)) return undefined;
  const ms = Date.parse(`${publishedAt.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(ms)) return undefined;
  return tr.language === "en" || !tr.localized ? publishedAt.slice(0, 10) : new Intl.DateTimeFormat(tr.language, { dateStyle: "medium", timeZone: "UTC" }).format(ms);
}

function renderSource(result: BriefResult, tr: Translator): string {
  const { source } = result;
  const site = source.siteName ?? hostOf(source.url) ?? tr.t("brief.unknownSite");
  const published = publishedDate(source.publishedAt, tr);
  const meta = [
    escapeMarkdown(site, 80),
    tr.t("brief.articleIn", { language: escapeMarkdown(tr.languageName(source.language), 40) }),
    published ? tr.t("brief.published", { date: published }) : undefined,
    source.language !== result.language ? tr.t("brief.briefIn", { language: escapeMarkdown(tr.languageName(result.language), 40) }) : undefined,
  ].filter((part): part is string => part !== undefined);
  const metaLine = meta.join(" · ");
  const titleMax = BUDGET.source - metaLine.length - 4;
  const title = source.title && source.title !== result.brief.headline ? escapeMarkdown(source.title, titleMax) : "";
  return title ? `_${title}_\n${metaLine}` : metaLine;
}

function renderNote(warnings: readonly string[], tr: Translator): string | undefined {
  const first = warnings[0];
  if (first === undefined) return undefined;
  const more = warnings.length > 1 ? ` ${tr.t("brief.moreNotes", { count: warnings.length - 1 })}` : "";
  return `⚠️ ${escapeMarkdown(first, BUDGET.note - 4 - more.length)}${more}`;
}

function footerText(result: BriefResult, tr: Translator): string {
  const engine =
    result.engine === "llm" ? tr.t("brief.engineLlm", { model: plainText(result.model ?? "model", BUDGET.model) }) : tr.t("brief.engineExtractive");
  return `${engine}${checkedNote(result, tr)} · ${tr.t("digest.notAdvice")}`;
}

/** "Figures checked against the source", and how many unsupported items were removed. */
export function checkedNote(result: BriefResult, tr: Translator): string {
  const verification = result.verification;
  if (verification === undefined) return "";
  const removed = verification.removed.length;
  return ` · ${removed > 0 ? tr.t("brief.checkedRemoved", { count: removed }) : tr.t("brief.checked")}`;
}

function validTimestamp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * A brief as Discord embeds, with the tickers' prices now when given. Pure; every limit is met by
 * construction (budgets above), and all model or article text is escaped so nothing pings, links
 * or formats as headings.
 */
export function renderBriefEmbeds(result: BriefResult, options: { language?: string; marketNow?: readonly MarketNow[] } = {}): APIEmbed[] {
  // Labels and numbers in the reader's language (default: the brief's), one language per message.
  const tr = translator(options.language ?? result.language);
  const tone = overallTone(result.brief.tickers);
  const fields: APIEmbedField[] = [];
  const tickers = renderTickers(result.brief.tickers, tr, options.marketNow ?? []);
  if (tickers) fields.push({ name: tr.t("brief.tickers"), value: tickers });
  const why = escapeMarkdown(result.brief.whyItMatters, BUDGET.whyItMatters);
  if (why) fields.push({ name: tr.t("brief.whyItMatters"), value: why });
  fields.push({ name: tr.t("brief.source"), value: renderSource(result, tr) });
  const note = renderNote(result.warnings, tr);
  if (note) fields.push({ name: tr.t("brief.note"), value: note });

  const fallbackTitle = tr.t("brief.title");
  const title = escapeMarkdown(result.brief.headline || result.source.title || fallbackTitle, EMBED_LIMITS.title) || fallbackTitle;
  const url = linkableUrl(result.source.url);
  const timestamp = validTimestamp(result.source.publishedAt);
  const embed: APIEmbed = {
    title,
    description: renderKeyPoints(result, tr),
    color: TONE_COLOR[tone],
    fields,
    footer: { text: footerText(result, tr) },
    ...(url ? { url } : {}),
    ...(timestamp ? { timestamp } : {}),
  };
  return [embed];
}
