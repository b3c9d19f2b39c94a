/** One item the verifier took out of a brief or digest, as `summarize --json` shows it. */
export interface RemovedItem {
  /** Where it was: "headline", "keyPoints[2]", "tickers[0].moves[0].changePct", "whyItMatters". */
  field: string;
  /** What was removed, as the model wrote it. */
  value: string;
  /** Why, in a few words ("figure 12.7 % not stated in the article"). */
  reason: string;
}

/** Counts of what was checked against the article, and what was removed. */
export interface Verification {
  /** Figures checked: numbers in headline, key points and whyItMatters, and every move's price and change. */
  figures: number;
  /** Tickers checked (symbol in the directory, company mentioned in the article). */
  tickers: number;
  /** Key-point quotes checked (verbatim in the article). */
  quotes: number;
  removed: RemovedItem[];
}
