/**
 * The store's schema as ordered migrations, written once for both engines: each runs once, in a
 * transaction, recorded in schema_migrations (on PostgreSQL under an advisory lock). The engines
 * differ only in a few column types, given by their dialect.
 * Instants the Store returns (created_at, paused_at, sent_at…) are ISO text, stored as given, so
 * both engines hand back exactly what was put in; lease times are epoch milliseconds.
 */
export interface SqlDialect {
  /** 64-bit integers (counters, epoch milliseconds). */
  bigint: string;
  boolean: string;
  true: string;
  /** A column giving rows their insertion order, where the engine has none of its own (SQLite has rowid). */
  insertionOrder: string;
}

const SQLITE: SqlDialect = { bigint: "INTEGER", boolean: "INTEGER", true: "1", insertionOrder: "" };
const POSTGRES: SqlDialect = { bigint: "BIGINT", boolean: "BOOLEAN", true: "TRUE", insertionOrder: "id BIGINT GENERATED ALWAYS AS IDENTITY,\n     " };

function migrations(d: SqlDialect): readonly string[] {
  return [
    `CREATE TABLE briefs (
     source TEXT NOT NULL,
     prompt_version TEXT NOT NULL,
     model TEXT NOT NULL,
     language TEXT NOT NULL,
     result_json TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (source, prompt_version, model, language)
   );
   CREATE TABLE counters (
     name TEXT NOT NULL,
     period TEXT NOT NULL,
     value ${d.bigint} NOT NULL,
     PRIMARY KEY (name, period)
   );`,
    `CREATE TABLE channels (
     channel_id TEXT PRIMARY KEY,
     guild_id TEXT NOT NULL,
     schedule_time TEXT,
     schedule_zone TEXT,
     weekdays_only ${d.boolean} NOT NULL DEFAULT ${d.true},
     paused_reason TEXT,
     paused_at TEXT,
     last_digest_at TEXT
   );
   CREATE TABLE watches (
     ${d.insertionOrder}channel_id TEXT NOT NULL,
     symbol TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (channel_id, symbol)
   );
   CREATE TABLE deliveries (
     channel_id TEXT NOT NULL,
     slot_key TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped')),
     owner TEXT NOT NULL,
     nonce TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     claimed_at ${d.bigint} NOT NULL,
     lease_until ${d.bigint} NOT NULL,
     sent_at TEXT,
     message_ids TEXT,
     note TEXT,
     PRIMARY KEY (channel_id, slot_key)
   );
   CREATE TABLE feed_state (
     url TEXT PRIMARY KEY,
     etag TEXT,
     last_modified TEXT,
     failures INTEGER NOT NULL DEFAULT 0,
     next_attempt_at TEXT,
     last_error TEXT,
     last_fetched_at TEXT,
     items_json TEXT
   );
   CREATE TABLE cache (
     kind TEXT NOT NULL,
     key TEXT NOT NULL,
     json TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (kind, key)
   );`,
    // The language the channel's digests are written in (ISO 639-1); null: the server's, else English.
    `ALTER TABLE channels ADD COLUMN digest_language TEXT;`,
    // Delivery progress: the planned messages, each part as Discord accepts it, who to tell about a pause.
    `ALTER TABLE deliveries ADD COLUMN plan_json TEXT;
   CREATE TABLE delivery_parts (
     channel_id TEXT NOT NULL,
     slot_key TEXT NOT NULL,
     part INTEGER NOT NULL,
     message_id TEXT NOT NULL,
     nonce TEXT NOT NULL,
     accepted_at TEXT NOT NULL,
     PRIMARY KEY (channel_id, slot_key, part)
   );
   ALTER TABLE channels ADD COLUMN digest_contact_id TEXT;
   ALTER TABLE channels ADD COLUMN pause_notified_at TEXT;`,
    // For /status: since when a feed fails (the first failure of the current run), and a server's channels.
    `ALTER TABLE feed_state ADD COLUMN failing_since TEXT;
   CREATE INDEX channels_by_guild ON channels (guild_id);`,
  ];
}

export const sqliteMigrations = migrations(SQLITE);
export const postgresMigrations = migrations(POSTGRES);
