import pg from "pg";
import type { Pool, PoolClient } from "pg";
import type { BriefResult } from "../../core/brief.ts";
import type {
  AcceptedPart,
  AddWatchResult,
  BriefCacheKey,
  CachedBrief,
  ChannelState,
  ClaimResult,
  DeliveryProgress,
  DigestSchedule,
  FeedState,
  Store,
} from "../../core/store.ts";
import { deliveryNonce } from "../../core/delivery-nonce.ts";
import { UserFacingError } from "../../core/errors.ts";
import type { Logger } from "../../logger.ts";
import { postgresMigrations } from "./schema.ts";
import { describePostgresTarget, reasonOf } from "./store-check.ts";
import { channelFromRow, feedFromRow, partFromRow, type ChannelRow, type FeedRow, type PartRow } from "./rows.ts";

export interface PostgresStore extends Store {
  readonly kind: "postgres";
  /** The underlying pool, for adapters that add their own tables through migrations. */
  readonly pool: Pool;
}

export interface PostgresStoreOptions {
  /** Connections kept at most (default 5): the bot's queries are short. */
  maxConnections?: number;
  /** Told about errors of idle connections (server restart, network drop); the next query reconnects. */
  logger?: Logger;
}

/** Epoch milliseconds by the database's clock, so instances on several hosts agree on lease expiry. */
const NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/**
 * Applies pending migrations, one transaction each. The transaction-scoped advisory lock makes
 * instances that start together take turns: the second one sees the first one's versions.
 */
export async function migratePostgres(client: PoolClient, migrations: readonly string[] = postgresMigrations): Promise<void> {
  for (;;) {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('marketbrief.schema_migrations'))");
      await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      const { rows } = await client.query<{ v: number }>("SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations");
      const version = (rows[0]?.v ?? 0) + 1;
      const sql = migrations[version - 1];
      if (sql === undefined) {
        await client.query("COMMIT");
        return;
      }
      await client.query(sql);
      await client.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", [version, new Date().toISOString()]);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  }
}

/** Opens a pool on a `postgres://` URL and brings the schema up to date. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 5,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: "marketbrief",
  });
  // Without a listener an idle connection's error (e.g. the server restarting) would crash the process.
  pool.on("error", (err) => options.logger?.warn({ err: err.message }, "postgres idle connection failed"));

  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new UserFacingError(
      "unreachable",
      `Cannot connect to PostgreSQL at ${describePostgresTarget(url)} (${reasonOf(err)}). Check DATABASE_URL and that the server is running.`,
      { cause: err },
    );
  }
  try {
    await migratePostgres(client);
  } catch (err) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw err;
  }
  client.release();

  let closed = false;
  const query = async <R extends object>(sql: string, params: unknown[] = []): Promise<R[]> =>
    (await pool.query<R>(sql, params)).rows;

  return {
    kind: "postgres",
    pool,
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
    async addWatch(channelId, guildId, symbol, limit): Promise<AddWatchResult> {
      const tx = await pool.connect();
      try {
        await tx.query("BEGIN");
        // The channel row is the per-channel lock: concurrent adds count and insert one after another.
        // Rolled back unless a watch is added, so a refused add leaves no channel behind.
        await tx.query("INSERT INTO channels (channel_id, guild_id) VALUES ($1, $2) ON CONFLICT (channel_id) DO NOTHING", [channelId, guildId]);
        await tx.query("SELECT 1 FROM channels WHERE channel_id = $1 FOR UPDATE", [channelId]);
        const { rows } = await tx.query<{ n: number; has: boolean }>(
          "SELECT COUNT(*)::int AS n, COALESCE(bool_or(symbol = $2), FALSE) AS has FROM watches WHERE channel_id = $1",
          [channelId, symbol],
        );
        const outcome: AddWatchResult = rows[0]?.has ? "exists" : (rows[0]?.n ?? 0) >= limit ? "limit" : "added";
        if (outcome === "added") {
          await tx.query("INSERT INTO watches (channel_id, symbol, created_at) VALUES ($1, $2, $3)", [channelId, symbol, new Date().toISOString()]);
          await tx.query("COMMIT");
        } else {
          await tx.query("ROLLBACK");
        }
        tx.release();
        return outcome;
      } catch (err) {
        await tx.query("ROLLBACK").then(
          () => tx.release(),
          () => tx.release(true),
        );
        throw err;
      }
    },
    async removeWatch(channelId, symbol) {
      const result = await pool.query("DELETE FROM watches WHERE channel_id = $1 AND symbol = $2", [channelId, symbol]);
      return (result.rowCount ?? 0) > 0;
    },
    async listWatches(channelId) {
      const rows = await query<{ symbol: string }>("SELECT symbol FROM watches WHERE channel_id = $1 ORDER BY id", [channelId]);
      return rows.map((r) => r.symbol);
    },
    async getChannel(channelId) {
      const [row] = await query<ChannelRow>("SELECT * FROM channels WHERE channel_id = $1", [channelId]);
      return row ? channelFromRow(row) : undefined;
    },
    async setSchedule(channelId, guildId, schedule) {
      await query(
        `INSERT INTO channels (channel_id, guild_id, schedule_time, schedule_zone, weekdays_only) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel_id) DO UPDATE SET guild_id = EXCLUDED.guild_id, schedule_time = EXCLUDED.schedule_time,
           schedule_zone = EXCLUDED.schedule_zone, weekdays_only = EXCLUDED.weekdays_only`,
        [channelId, guildId, schedule?.time ?? null, schedule?.timeZone ?? null, schedule?.weekdaysOnly !== false],
      );
    },
    async setDigestLanguage(channelId, guildId, language) {
      await query(
        `INSERT INTO channels (channel_id, guild_id, digest_language) VALUES ($1, $2, $3)
         ON CONFLICT (channel_id) DO UPDATE SET guild_id = EXCLUDED.guild_id, digest_language = EXCLUDED.digest_language`,
        [channelId, guildId, language],
      );
    },
    async pauseChannel(channelId, reason) {
      await query("UPDATE channels SET paused_reason = $1, paused_at = $2 WHERE channel_id = $3", [reason, new Date().toISOString(), channelId]);
    },
    async resumeChannel(channelId) {
      await query("UPDATE channels SET paused_reason = NULL, paused_at = NULL, pause_notified_at = NULL WHERE channel_id = $1", [channelId]);
    },
    async setDigestContact(channelId, userId) {
      await query("UPDATE channels SET digest_contact_id = $1 WHERE channel_id = $2", [userId, channelId]);
    },
    async claimPauseNotice(channelId) {
      const result = await pool.query(
        "UPDATE channels SET pause_notified_at = $1 WHERE channel_id = $2 AND paused_reason IS NOT NULL AND pause_notified_at IS NULL",
        [new Date().toISOString(), channelId],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async setLastDigestAt(channelId, at) {
      await query("UPDATE channels SET last_digest_at = $1 WHERE channel_id = $2", [at, channelId]);
    },
    async listGuildChannels(guildId) {
      const rows = await query<ChannelRow & { symbols: string[] | null }>(
        `SELECT c.*,
           (SELECT array_agg(w.symbol ORDER BY w.id) FROM watches w WHERE w.channel_id = c.channel_id) AS symbols
         FROM channels c WHERE c.guild_id = $1
           AND (c.schedule_time IS NOT NULL OR EXISTS (SELECT 1 FROM watches w WHERE w.channel_id = c.channel_id))
         ORDER BY c.channel_id COLLATE "C"`,
        [guildId],
      );
      return rows.map((row) => ({ ...channelFromRow(row), symbols: row.symbols ?? [] }));
    },
    async listScheduledChannels() {
      // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
      const rows = await query<ChannelRow & { symbols: string[] | null }>(
        `SELECT c.*,
           (SELECT array_agg(w.symbol ORDER BY w.id) FROM watches w WHERE w.channel_id = c.channel_id) AS symbols
         FROM channels c WHERE c.schedule_time IS NOT NULL AND c.paused_reason IS NULL ORDER BY c.channel_id COLLATE "C"`,
      );
      return rows.map((row) => ({
        ...(channelFromRow(row) as ChannelState & { schedule: DigestSchedule }),
        symbols: row.symbols ?? [],
      }));
    },
    async claimDelivery(channelId, slotKey, owner, leaseMs): Promise<ClaimResult> {
      // One statement: a concurrent claim of the same slot waits on the row, then re-checks the WHERE.
      const [row] = await query<{ nonce: string; attempt: number }>(
        `INSERT INTO deliveries (channel_id, slot_key, status, owner, nonce, attempt, claimed_at, lease_until)
         SELECT $1, $2, 'claimed', $3, $4, 1, t.now_ms, t.now_ms + $5::bigint FROM (SELECT ${NOW_MS} AS now_ms) t
         ON CONFLICT (channel_id, slot_key) DO UPDATE SET owner = EXCLUDED.owner, attempt = deliveries.attempt + 1,
           claimed_at = EXCLUDED.claimed_at, lease_until = EXCLUDED.lease_until
         WHERE deliveries.status = 'claimed' AND deliveries.lease_until <= EXCLUDED.claimed_at
         RETURNING nonce, attempt`,
        [channelId, slotKey, owner, deliveryNonce(channelId, slotKey), leaseMs],
      );
      if (row) return { claimed: true, nonce: row.nonce, attempt: row.attempt };
      const [existing] = await query<{ status: "sent" | "claimed" | "skipped"; remaining: string }>(
        `SELECT status, lease_until - ${NOW_MS} AS remaining FROM deliveries WHERE channel_id = $1 AND slot_key = $2`,
        [channelId, slotKey],
      );
      if (existing === undefined || existing.status === "claimed") {
        return { claimed: false, status: "claimed", leaseRemainingMs: Math.max(0, Number(existing?.remaining ?? 0)) };
      }
      return { claimed: false, status: existing.status };
    },
    async renewClaim(channelId, slotKey, owner, leaseMs) {
      const result = await pool.query(
        `UPDATE deliveries SET lease_until = ${NOW_MS} + $4::bigint
         WHERE channel_id = $1 AND slot_key = $2 AND owner = $3 AND status = 'claimed'`,
        [channelId, slotKey, owner, leaseMs],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async releaseClaim(channelId, slotKey, owner) {
      await query("UPDATE deliveries SET lease_until = 0 WHERE channel_id = $1 AND slot_key = $2 AND owner = $3 AND status = 'claimed'", [
        channelId,
        slotKey,
        owner,
      ]);
    },
    async deliveryProgress(channelId, slotKey): Promise<DeliveryProgress> {
      const [row] = await query<{ plan_json: string | null }>("SELECT plan_json FROM deliveries WHERE channel_id = $1 AND slot_key = $2", [
        channelId,
        slotKey,
      ]);
      const parts = await query<PartRow>(
        "SELECT part, message_id, nonce FROM delivery_parts WHERE channel_id = $1 AND slot_key = $2 ORDER BY part",
        [channelId, slotKey],
      );
      return { ...(row?.plan_json != null ? { plan: row.plan_json } : {}), parts: parts.map(partFromRow) };
    },
    async saveDeliveryPlan(channelId, slotKey, planJson) {
      const [row] = await query<{ plan_json: string | null }>(
        "UPDATE deliveries SET plan_json = COALESCE(plan_json, $1) WHERE channel_id = $2 AND slot_key = $3 RETURNING plan_json",
        [planJson, channelId, slotKey],
      );
      return row?.plan_json ?? undefined;
    },
    async recordAcceptedPart(channelId, slotKey, part: AcceptedPart) {
      await query(
        `INSERT INTO delivery_parts (channel_id, slot_key, part, message_id, nonce, accepted_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (channel_id, slot_key, part) DO NOTHING`,
        [channelId, slotKey, part.part, part.messageId, part.nonce, new Date().toISOString()],
      );
    },
    async markDelivered(channelId, slotKey, messageIds) {
      await query("UPDATE deliveries SET status = 'sent', sent_at = $1, message_ids = $2 WHERE channel_id = $3 AND slot_key = $4", [
        new Date().toISOString(),
        JSON.stringify(messageIds),
        channelId,
        slotKey,
      ]);
    },
    async markSkipped(channelId, slotKey, reason) {
      await query(
        `INSERT INTO deliveries (channel_id, slot_key, status, owner, nonce, attempt, claimed_at, lease_until, note)
         VALUES ($1, $2, 'skipped', '', '', 0, ${NOW_MS}, 0, $3)
         ON CONFLICT (channel_id, slot_key) DO UPDATE SET status = 'skipped', note = EXCLUDED.note WHERE deliveries.status <> 'sent'`,
        [channelId, slotKey, reason],
      );
    },
    async lastDeliveredSlot(channelId) {
      const [row] = await query<{ slot_key: string }>(
        "SELECT slot_key FROM deliveries WHERE channel_id = $1 AND status = 'sent' ORDER BY sent_at DESC LIMIT 1",
        [channelId],
      );
      return row?.slot_key;
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
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
