import type { AcceptedPart, ChannelState, FeedState } from "../../core/store.ts";

/** Row shapes shared by the SQLite and PostgreSQL stores, and their mapping to the Store's types. */
export interface ChannelRow {
  channel_id: string;
  guild_id: string;
  schedule_time: string | null;
  schedule_zone: string | null;
  /** SQLite stores 0/1, PostgreSQL a boolean. */
  weekdays_only: boolean | number;
  paused_reason: string | null;
  paused_at: string | null;
  last_digest_at: string | null;
  digest_language: string | null;
  digest_contact_id: string | null;
  pause_notified_at: string | null;
}

export function channelFromRow(row: ChannelRow): ChannelState {
  const state: ChannelState = { channelId: row.channel_id, guildId: row.guild_id };
  if (row.schedule_time !== null && row.schedule_zone !== null) {
    state.schedule = { time: row.schedule_time, timeZone: row.schedule_zone, weekdaysOnly: Boolean(row.weekdays_only) };
  }
  if (row.paused_reason !== null) state.pausedReason = row.paused_reason;
  if (row.paused_at !== null) state.pausedAt = row.paused_at;
  if (row.last_digest_at !== null) state.lastDigestAt = row.last_digest_at;
  if (row.digest_language !== null) state.language = row.digest_language;
  if (row.digest_contact_id != null) state.digestContactId = row.digest_contact_id;
  if (row.pause_notified_at != null) state.pauseNotifiedAt = row.pause_notified_at;
  return state;
}

export interface FeedRow {
  url: string;
  etag: string | null;
  last_modified: string | null;
  failures: number;
  next_attempt_at: string | null;
  last_error: string | null;
  failing_since: string | null;
  last_fetched_at: string | null;
  items_json: string | null;
}

export function feedFromRow(row: FeedRow): FeedState {
  const state: FeedState = { url: row.url, failures: row.failures };
  if (row.etag !== null) state.etag = row.etag;
  if (row.last_modified !== null) state.lastModified = row.last_modified;
  if (row.next_attempt_at !== null) state.nextAttemptAt = row.next_attempt_at;
  if (row.last_error !== null) state.lastError = row.last_error;
  if (row.failing_since != null) state.failingSince = row.failing_since;
  if (row.last_fetched_at !== null) state.lastFetchedAt = row.last_fetched_at;
  if (row.items_json !== null) state.itemsJson = row.items_json;
  return state;
}

export interface PartRow {
  part: number;
  message_id: string;
  nonce: string;
}

export function partFromRow(row: PartRow): AcceptedPart {
  return { part: Number(row.part), messageId: row.message_id, nonce: row.nonce };
}
