import type { Pool } from "pg";
import type { BriefResult } from "../../core/brief.ts";
import type { BriefCacheKey, CachedBrief, FeedState, Store } from "../../core/store.ts";
import { poolQuery } from "./postgres-query.ts";
import { feedFromRow, type FeedRow } from "./rows.ts";

export type PostgresCacheQueries = Pick<
  Store,
  "getBrief" | "putBrief" | "incrementCounter" | "getCounter" | "getFeedState" | "putFeedState" | "getCached" | "putCached"
>;

/** Briefs, counters, feed state and the key-value cache: single-row lookups and upserts. */
export function postgresCacheQueries(pool: Pool): PostgresCacheQueries {
  const query = poolQuery(pool);
  return {
    async getBrief(key: BriefCacheKey): Promise<CachedBrief | undefined> {
      const [row] = await query<{ result_json: string; created_at: string }>(
        "SELECT result_json, created_at FROM briefs WHERE source = $1 AND prompt_version = $2 AND model = $3 AND language = $4",
        [key.source, key.promptVersion, key.model, key.language],
      );
      if (row === undefined) return undefined;
      return { result: JSON.parse(row.result_json) as BriefResult, createdAt: row.created_at };
    },
    async putBrief(key: BriefCacheKey, result: BriefResult): Promise<void> {
      await query(
        `INSERT INTO briefs (source, prompt_version, model, language, result_json, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (source, prompt_version, model, language) DO UPDATE SET result_json = EXCLUDED.result_json, created_at = EXCLUDED.created_at`,
        [key.source, key.promptVersion, key.model, key.language, JSON.stringify(result), new Date().toISOString()],
      );
    },
    async incrementCounter(name: string, period: string, amount = 1): Promise<number> {
      const [row] = await query<{ value: string }>(
        `INSERT INTO counters (name, period, value) VALUES ($1, $2, $3)
         ON CONFLICT (name, period) DO UPDATE SET value = counters.value + EXCLUDED.value RETURNING value`,
        [name, period, amount],
      );
      return Number(row?.value);
    },
    async getCounter(name: string, period: string): Promise<number> {
      const [row] = await query<{ value: string }>("SELECT value FROM counters WHERE name = $1 AND period = $2", [name, period]);
      return row === undefined ? 0 : Number(row.value);
    },
    async getFeedState(url) {
      const [row] = await query<FeedRow>(
        "SELECT * FROM feed_state WHERE url = $1",
        [url],
      );
      return row ? feedFromRow(row) : undefined;
    },
    async putFeedState(state: FeedState) {
      await query(
        `INSERT INTO feed_state (url, etag, last_modified, failures, next_attempt_at, last_error, last_fetched_at, items_json, failing_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, failures = EXCLUDED.failures,
           next_attempt_at = EXCLUDED.next_attempt_at, last_error = EXCLUDED.last_error, last_fetched_at = EXCLUDED.last_fetched_at,
           items_json = EXCLUDED.items_json, failing_since = EXCLUDED.failing_since`,
        [
          state.url,
          state.etag ?? null,
          state.lastModified ?? null,
          state.failures,
          state.nextAttemptAt ?? null,
          state.lastError ?? null,
          state.lastFetchedAt ?? null,
          state.itemsJson ?? null,
          state.failingSince ?? null,
        ],
      );
    },
    async getCached(kind, key) {
      const [row] = await query<{ json: string }>("SELECT json FROM cache WHERE kind = $1 AND key = $2", [kind, key]);
      return row?.json;
    },
    async putCached(kind, key, json) {
      await query(
        `INSERT INTO cache (kind, key, json, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, key) DO UPDATE SET json = EXCLUDED.json, created_at = EXCLUDED.created_at`,
        [kind, key, json, new Date().toISOString()],
      );
    },
  };
}
