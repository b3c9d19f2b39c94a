/**
 * Pairwise "same story" precision and recall of `clusterStories` on the labelled reports, each
 * ticker clustered on its own as the digest does. Shared by test/cluster-labelled.test.ts and
 * bench/cluster-quality.ts.
 */
import { clusterStories, type ClusterOptions, type TickerFeedItem } from "../../src/core/cluster.ts";
import { LABELLED_REPORTS, labelledPairs, type LabelledReport } from "../fixtures/cluster/labelled-reports.ts";

export interface PairScores {
  samePairs: number;
  differentPairs: number;
  truePositives: number;
  falsePositives: number;
  precision: number;
  recall: number;
  missed: Array<[string, string]>;
  wronglyMerged: Array<[string, string]>;
}

export type ReportInput = "title" | "title+teaser" | "title+teaser+text";

export function reportItem(report: LabelledReport, base: Date, input: ReportInput): TickerFeedItem & { id: string } {
  const item: TickerFeedItem & { id: string } = {
    id: report.id,
    title: report.title,
    url: `https://${report.outlet.toLowerCase().replace(/[^a-z]+/g, "-")}.example/${report.id}`,
    publishedAt: new Date(base.getTime() + report.hours * 3_600_000).toISOString(),
    source: report.outlet,
    ticker: report.ticker,
  };
  if (input !== "title") item.summary = report.teaser;
  if (input === "title+teaser+text") item.articleText = report.paragraphs.join("\n\n");
  return item;
}

/** Scores pairs of reports of one ticker (the digest never compares two tickers' feeds). */
export function scoreClustering(input: ReportInput, base: Date, options: ClusterOptions = {}, reports: readonly LabelledReport[] = LABELLED_REPORTS): PairScores {
  const storyOf = new Map<string, string>();
  const tickers = [...new Set(reports.map((r) => r.ticker))];
  for (const ticker of tickers) {
    const items = reports.filter((r) => r.ticker === ticker).map((r) => reportItem(r, base, input));
    clusterStories(items, options).forEach((cluster, index) => {
      for (const item of cluster.items) storyOf.set(item.id, `${ticker}#${index}`);
    });
  }
  const scores: PairScores = { samePairs: 0, differentPairs: 0, truePositives: 0, falsePositives: 0, precision: 1, recall: 1, missed: [], wronglyMerged: [] };
  for (const { a, b, same } of labelledPairs(reports)) {
    if (a.ticker !== b.ticker) continue;
    const merged = storyOf.get(a.id) === storyOf.get(b.id);
    if (same) {
      scores.samePairs += 1;
      if (merged) scores.truePositives += 1;
      else scores.missed.push([a.id, b.id]);
    } else {
      scores.differentPairs += 1;
      if (merged) {
        scores.falsePositives += 1;
        scores.wronglyMerged.push([a.id, b.id]);
      }
    }
  }
  const predicted = scores.truePositives + scores.falsePositives;
  scores.precision = predicted === 0 ? 1 : scores.truePositives / predicted;
  scores.recall = scores.samePairs === 0 ? 1 : scores.truePositives / scores.samePairs;
  return scores;
}
