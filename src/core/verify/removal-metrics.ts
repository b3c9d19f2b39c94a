import type { Metrics } from "../metrics.ts";
import type { RemovedItem } from "./types.ts";

/**
 * The kind of a removal, for the verifier_removals metric: a removed item's `reason` is a
 * sentence naming the figure or company, too many distinct values for a metric label.
 */
export type RemovalKind =
  | "figure"
  | "direction"
  | "currency"
  | "quote"
  | "symbol"
  | "company_not_mentioned"
  | "move"
  | "story_id"
  | "other";

const KINDS: ReadonlyArray<readonly [RegExp, RemovalKind]> = [
  [/^direction of /, "direction"],
  [/^currency (?:of|not|without)|^not an ISO 4217 code/, "currency"],
  [/^figure /, "figure"],
  [/^quote /, "quote"],
  [/^symbol /, "symbol"],
  [/^the article does not mention /, "company_not_mentioned"],
  [/^(?:change|price) not stated for this company/, "move"],
  [/^no story with this id/, "story_id"],
];

/** The kind of one removal, from the first reason it gives ("a; b" lists several). */
export function removalKind(item: Pick<RemovedItem, "reason">): RemovalKind {
  return KINDS.find(([pattern]) => pattern.test(item.reason))?.[1] ?? "other";
}

/** Counts removed items by kind, one metric call per kind. */
export function recordRemovals(metrics: Pick<Metrics, "verifierRemoval">, removed: readonly RemovedItem[]): void {
  const counts = new Map<RemovalKind, number>();
  for (const item of removed) {
    const kind = removalKind(item);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  for (const [kind, count] of counts) metrics.verifierRemoval(kind, count);
}
