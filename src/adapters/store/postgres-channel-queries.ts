import type { Pool } from "pg";
import type { AddWatchResult, ChannelState, DigestSchedule, Store } from "../../core/store.ts";
import { poolQuery } from "./postgres-query.ts";
import { channelFromRow, type ChannelRow } from "./rows.ts";

export type PostgresChannelQueries = Pick<
  Store,
  | "addWatch"
  | "removeWatch"
  | "listWatches"
  | "getChannel"
  | "setSchedule"
  | "setDigestLanguage"
  | "pauseChannel"
  | "resumeChannel"
  | "setDigestContact"
  | "claimPauseNotice"
  | "setLastDigestAt"
  | "listGuildChannels"
  | "listScheduledChannels"
>;

/** Channels and their watched symbols: schedules, language, pauses and the per-channel watch list. */
export function postgresChannelQueries(pool: Pool): PostgresChannelQueries {
  const query = poolQuery(pool);
  return {
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
  };
}
