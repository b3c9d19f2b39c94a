import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
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
import { sqliteMigrations } from "./schema.ts";
import { channelFromRow, feedFromRow, partFromRow, type ChannelRow, type FeedRow, type PartRow } from "./rows.ts";

export interface SqliteStore extends Store {
  readonly kind: "sqlite";
  /** The underlying handle, for adapters that add their own tables through migrations. */
  readonly db: DatabaseSync;
}

export function migrateSqlite(db: DatabaseSync, migrations: readonly string[] = sqliteMigrations): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  const row = db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations").get() as { v: number };
  for (let version = row.v + 1; version <= migrations.length; version++) {
    const sql = migrations[version - 1];
    if (sql === undefined) break;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(sql);
      db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(version, new Date().toISOString());
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  }
}

/** Opens (creating if needed) a SQLite database file, or `:memory:`. */
export function openSqliteStore(path: string): SqliteStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
  migrateSqlite(db);

  const getBrief = db.prepare(
    "SELECT result_json, created_at FROM briefs WHERE source = ? AND prompt_version = ? AND model = ? AND language = ?",
  );
  const putBrief = db.prepare(
    `INSERT INTO briefs (source, prompt_version, model, language, result_json, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (source, prompt_version, model, language) DO UPDATE SET result_json = excluded.result_json, created_at = excluded.created_at`,
  );
  const increment = db.prepare(
    `INSERT INTO counters (name, period, value) VALUES (?, ?, ?)
     ON CONFLICT (name, period) DO UPDATE SET value = value + excluded.value RETURNING value`,
  );
  const getCounter = db.prepare("SELECT value FROM counters WHERE name = ? AND period = ?");
  const q = {
    countWatches: db.prepare("SELECT COUNT(*) AS n FROM watches WHERE channel_id = ?"),
    hasWatch: db.prepare("SELECT 1 AS x FROM watches WHERE channel_id = ? AND symbol = ?"),
    insertWatch: db.prepare("INSERT INTO watches (channel_id, symbol, created_at) VALUES (?, ?, ?)"),
    ensureChannel: db.prepare("INSERT INTO channels (channel_id, guild_id) VALUES (?, ?) ON CONFLICT (channel_id) DO NOTHING"),
    deleteWatch: db.prepare("DELETE FROM watches WHERE channel_id = ? AND symbol = ?"),
    listWatches: db.prepare("SELECT symbol FROM watches WHERE channel_id = ? ORDER BY rowid"),
    getChannel: db.prepare("SELECT * FROM channels WHERE channel_id = ?"),
    setSchedule: db.prepare(
      `INSERT INTO channels (channel_id, guild_id, schedule_time, schedule_zone, weekdays_only) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, schedule_time = excluded.schedule_time,
         schedule_zone = excluded.schedule_zone, weekdays_only = excluded.weekdays_only`,
    ),
    setLanguage: db.prepare(
      `INSERT INTO channels (channel_id, guild_id, digest_language) VALUES (?, ?, ?)
       ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, digest_language = excluded.digest_language`,
    ),
    pause: db.prepare("UPDATE channels SET paused_reason = ?, paused_at = ? WHERE channel_id = ?"),
    resume: db.prepare("UPDATE channels SET paused_reason = NULL, paused_at = NULL, pause_notified_at = NULL WHERE channel_id = ?"),
    setLastDigest: db.prepare("UPDATE channels SET last_digest_at = ? WHERE channel_id = ?"),
    guildChannels: db.prepare(
      `SELECT c.*, (SELECT group_concat(symbol, ' ') FROM (SELECT symbol FROM watches w WHERE w.channel_id = c.channel_id ORDER BY rowid)) AS symbols
       FROM channels c WHERE c.guild_id = ?
         AND (c.schedule_time IS NOT NULL OR EXISTS (SELECT 1 FROM watches w WHERE w.channel_id = c.channel_id))
       ORDER BY c.channel_id`,
    ),
    scheduled: db.prepare(
      `SELECT c.*, (SELECT group_concat(symbol, ' ') FROM (SELECT symbol FROM watches w WHERE w.channel_id = c.channel_id ORDER BY rowid)) AS symbols
       FROM channels c WHERE c.schedule_time IS NOT NULL AND c.paused_reason IS NULL ORDER BY c.channel_id`,
    ),
    claim: db.prepare(
      `INSERT INTO deliveries (channel_id, slot_key, status, owner, nonce, attempt, claimed_at, lease_until)
       VALUES (?, ?, 'claimed', ?, ?, 1, ?, ?)
       ON CONFLICT (channel_id, slot_key) DO UPDATE SET owner = excluded.owner, attempt = deliveries.attempt + 1,
         claimed_at = excluded.claimed_at, lease_until = excluded.lease_until
       WHERE deliveries.status = 'claimed' AND deliveries.lease_until <= excluded.claimed_at
       RETURNING nonce, attempt`,
    ),
    deliveryStatus: db.prepare("SELECT status, lease_until FROM deliveries WHERE channel_id = ? AND slot_key = ?"),
    renew: db.prepare(
      "UPDATE deliveries SET lease_until = ? WHERE channel_id = ? AND slot_key = ? AND owner = ? AND status = 'claimed'",
    ),
    release: db.prepare("UPDATE deliveries SET lease_until = 0 WHERE channel_id = ? AND slot_key = ? AND owner = ? AND status = 'claimed'"),
    plan: db.prepare("SELECT plan_json FROM deliveries WHERE channel_id = ? AND slot_key = ?"),
    savePlan: db.prepare(
      "UPDATE deliveries SET plan_json = COALESCE(plan_json, ?) WHERE channel_id = ? AND slot_key = ? RETURNING plan_json",
    ),
    parts: db.prepare("SELECT part, message_id, nonce FROM delivery_parts WHERE channel_id = ? AND slot_key = ? ORDER BY part"),
    addPart: db.prepare(
      `INSERT INTO delivery_parts (channel_id, slot_key, part, message_id, nonce, accepted_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel_id, slot_key, part) DO NOTHING`,
    ),
    setContact: db.prepare("UPDATE channels SET digest_contact_id = ? WHERE channel_id = ?"),
    pauseNotice: db.prepare(
      "UPDATE channels SET pause_notified_at = ? WHERE channel_id = ? AND paused_reason IS NOT NULL AND pause_notified_at IS NULL",
    ),
    markSent: db.prepare(
      "UPDATE deliveries SET status = 'sent', sent_at = ?, message_ids = ? WHERE channel_id = ? AND slot_key = ?",
    ),
    markSkipped: db.prepare(
      `INSERT INTO deliveries (channel_id, slot_key, status, owner, nonce, attempt, claimed_at, lease_until, note)
       VALUES (?, ?, 'skipped', '', '', 0, ?, 0, ?)
       ON CONFLICT (channel_id, slot_key) DO UPDATE SET status = 'skipped', note = excluded.note WHERE deliveries.status <> 'sent'`,
    ),
    lastSent: db.prepare(
      "SELECT slot_key FROM deliveries WHERE channel_id = ? AND status = 'sent' ORDER BY sent_at DESC LIMIT 1",
    ),
    getFeed: db.prepare("SELECT * FROM feed_state WHERE url = ?"),
    putFeed: db.prepare(
      `INSERT INTO feed_state (url, etag, last_modified, failures, next_attempt_at, last_error, last_fetched_at, items_json, failing_since)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, failures = excluded.failures,
         next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error, last_fetched_at = excluded.last_fetched_at,
         items_json = excluded.items_json, failing_since = excluded.failing_since`,
    ),
    getCached: db.prepare("SELECT json FROM cache WHERE kind = ? AND key = ?"),
    putCached: db.prepare(
      `INSERT INTO cache (kind, key, json, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, key) DO UPDATE SET json = excluded.json, created_at = excluded.created_at`,
    ),
  };

  function transaction<T>(fn: () => T): T {
    db.exec("BEGIN IMMEDIATE");
    try {
      const value = fn();
      db.exec("COMMIT");
      return value;
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  }

  return {
    kind: "sqlite",
    db,
    async getBrief(key: BriefCacheKey): Promise<CachedBrief | undefined> {
      const row = getBrief.get(key.source, key.promptVersion, key.model, key.language) as
        | { result_json: string; created_at: string }
        | undefined;
      if (row === undefined) return undefined;
      return { result: JSON.parse(row.result_json) as BriefResult, createdAt: row.created_at };
    },
    async putBrief(key: BriefCacheKey, result: BriefResult): Promise<void> {
      putBrief.run(key.source, key.promptVersion, key.model, key.language, JSON.stringify(result), new Date().toISOString());
    },
    async incrementCounter(name: string, period: string, amount = 1): Promise<number> {
      const row = increment.get(name, period, amount) as { value: number };
      return row.value;
    },
    async getCounter(name: string, period: string): Promise<number> {
      const row = getCounter.get(name, period) as { value: number } | undefined;
      return row?.value ?? 0;
    },
    async addWatch(channelId, guildId, symbol, limit): Promise<AddWatchResult> {
      return transaction(() => {
        if (q.hasWatch.get(channelId, symbol)) return "exists";
        const { n } = q.countWatches.get(channelId) as { n: number };
        if (n >= limit) return "limit";
        q.ensureChannel.run(channelId, guildId);
        q.insertWatch.run(channelId, symbol, new Date().toISOString());
        return "added";
      });
    },
    async removeWatch(channelId, symbol) {
      return Number(q.deleteWatch.run(channelId, symbol).changes) > 0;
    },
    async listWatches(channelId) {
      return (q.listWatches.all(channelId) as Array<{ symbol: string }>).map((r) => r.symbol);
    },
    async getChannel(channelId) {
      const row = q.getChannel.get(channelId) as ChannelRow | undefined;
      return row ? channelFromRow(row) : undefined;
    },
    async setSchedule(channelId, guildId, schedule) {
      q.setSchedule.run(channelId, guildId, schedule?.time ?? null, schedule?.timeZone ?? null, schedule?.weekdaysOnly === false ? 0 : 1);
    },
    async setDigestLanguage(channelId, guildId, language) {
      q.setLanguage.run(channelId, guildId, language);
    },
    async pauseChannel(channelId, reason) {
      q.pause.run(reason, new Date().toISOString(), channelId);
    },
    async resumeChannel(channelId) {
      q.resume.run(channelId);
    },
    async setLastDigestAt(channelId, at) {
      q.setLastDigest.run(at, channelId);
    },
    async setDigestContact(channelId, userId) {
      q.setContact.run(userId, channelId);
    },
    async claimPauseNotice(channelId) {
      return Number(q.pauseNotice.run(new Date().toISOString(), channelId).changes) > 0;
    },
    async listGuildChannels(guildId) {
      return (q.guildChannels.all(guildId) as unknown as Array<ChannelRow & { symbols: string | null }>).map((row) => ({
        ...channelFromRow(row),
        symbols: row.symbols ? row.symbols.split(" ") : [],
      }));
    },
    async listScheduledChannels() {
      return (q.scheduled.all() as unknown as Array<ChannelRow & { symbols: string | null }>).map((row) => ({
        ...(channelFromRow(row) as ChannelState & { schedule: DigestSchedule }),
        symbols: row.symbols ? row.symbols.split(" ") : [],
      }));
    },
    async claimDelivery(channelId, slotKey, owner, leaseMs): Promise<ClaimResult> {
      const now = Date.now();
      const row = q.claim.get(channelId, slotKey, owner, deliveryNonce(channelId, slotKey), now, now + leaseMs) as
        | { nonce: string; attempt: number }
        | undefined;
      if (row) return { claimed: true, nonce: row.nonce, attempt: row.attempt };
      const existing = q.deliveryStatus.get(channelId, slotKey) as { status: "sent" | "claimed" | "skipped"; lease_until: number } | undefined;
      if (existing === undefined || existing.status === "claimed") {
        return { claimed: false, status: "claimed", leaseRemainingMs: Math.max(0, (existing?.lease_until ?? now) - Date.now()) };
      }
      return { claimed: false, status: existing.status };
    },
    async renewClaim(channelId, slotKey, owner, leaseMs) {
      return Number(q.renew.run(Date.now() + leaseMs, channelId, slotKey, owner).changes) > 0;
    },
    async releaseClaim(channelId, slotKey, owner) {
      q.release.run(channelId, slotKey, owner);
    },
    async deliveryProgress(channelId, slotKey): Promise<DeliveryProgress> {
      const row = q.plan.get(channelId, slotKey) as { plan_json: string | null } | undefined;
      const parts = (q.parts.all(channelId, slotKey) as unknown as PartRow[]).map(partFromRow);
      return { ...(row?.plan_json != null ? { plan: row.plan_json } : {}), parts };
    },
    async saveDeliveryPlan(channelId, slotKey, planJson) {
      const row = q.savePlan.get(planJson, channelId, slotKey) as { plan_json: string | null } | undefined;
      return row?.plan_json ?? undefined;
    },
    async recordAcceptedPart(channelId, slotKey, part: AcceptedPart) {
      q.addPart.run(channelId, slotKey, part.part, part.messageId, part.nonce, new Date().toISOString());
    },
    async markDelivered(channelId, slotKey, messageIds) {
      q.markSent.run(new Date().toISOString(), JSON.stringify(messageIds), channelId, slotKey);
    },
    async markSkipped(channelId, slotKey, reason) {
      q.markSkipped.run(channelId, slotKey, Date.now(), reason);
    },
    async lastDeliveredSlot(channelId) {
      return (q.lastSent.get(channelId) as { slot_key: string } | undefined)?.slot_key;
    },
    async getFeedState(url) {
      const row = q.getFeed.get(url) as FeedRow | undefined;
      return row ? feedFromRow(row) : undefined;
    },
    async putFeedState(state: FeedState) {
      q.putFeed.run(
        state.url,
        state.etag ?? null,
        state.lastModified ?? null,
        state.failures,
        state.nextAttemptAt ?? null,
        state.lastError ?? null,
        state.lastFetchedAt ?? null,
        state.itemsJson ?? null,
        state.failingSince ?? null,
      );
    },
    async getCached(kind, key) {
      return (q.getCached.get(kind, key) as { json: string } | undefined)?.json;
    },
    async putCached(kind, key, json) {
      q.putCached.run(kind, key, json, new Date().toISOString());
    },
    async close(): Promise<void> {
      if (db.isOpen) db.close();
    },
  };
}
