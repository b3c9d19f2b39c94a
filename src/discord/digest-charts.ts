import type { Digest } from "../core/digest.ts";
import { DAY_CHART_MAX_TICKERS, type ChartRenderer, type Quote } from "../core/market.ts";
import type { Logger } from "../logger.ts";
import { translator } from "./i18n.ts";
import { renderDigest, type DigestMessage } from "./render-digest.ts";

/** Discord takes at most 10 attachments per message; each image holds DAY_CHART_MAX_TICKERS panels. */
const MAX_IMAGES = 10;

/**
 * The digest's compact chart of the day: the tickers with a price, a small panel each, attached
 * to the first message (one image per 12 tickers, each well under Discord's size limit). A
 * chart that cannot be drawn is left out; the digest goes out all the same.
 */
export async function withDayCharts(
  messages: DigestMessage[],
  digest: Pick<Digest, "tickers">,
  charts: ChartRenderer | undefined,
  log?: Pick<Logger, "warn">,
): Promise<DigestMessage[]> {
  const first = messages[0];
  if (charts === undefined || first === undefined) return messages;
  const quotes: Quote[] = [];
  for (const ticker of digest.tickers) if (ticker.price !== undefined && "quote" in ticker.price) quotes.push(ticker.price.quote);
  if (quotes.length === 0) return messages;
  try {
    const files: NonNullable<DigestMessage["files"]> = [];
    for (let i = 0; i < quotes.length && files.length < MAX_IMAGES; i += DAY_CHART_MAX_TICKERS) {
      const data = await charts.renderDay(quotes.slice(i, i + DAY_CHART_MAX_TICKERS));
      files.push({ name: files.length === 0 ? "prices.png" : `prices-${files.length + 1}.png`, data });
    }
    return [{ ...first, files }, ...messages.slice(1)];
  } catch (err) {
    log?.warn({ err }, "digest price chart could not be drawn");
    return messages;
  }
}

/**
 * A scheduled digest as the messages a channel receives: rendered in the digest's language, with
 * the day's chart when prices are on (`charts` absent: no chart).
 */
export function createDigestComposer(charts: ChartRenderer | undefined, log?: Pick<Logger, "warn">) {
  return (digest: Digest): Promise<DigestMessage[]> =>
    withDayCharts(renderDigest(digest, { heading: translator(digest.language).t("digest.heading.daily") }), digest, charts, log);
}
