import pg from "pg";
import type { Pool, PoolClient } from "pg";
import type { Store } from "../../core/store.ts";
import { UserFacingError } from "../../core/errors.ts";
import type { Logger } from "../../logger.ts";
import { postgresCacheQueries } from "./postgres-cache-queries.ts";
import { postgresChannelQueries } from "./postgres-channel-queries.ts";
import { postgresDeliveryQueries } from "./postgres-delivery-queries.ts";
import { postgresMigrations } from "./schema.ts";
import { describePostgresTarget, reasonOf } from "./store-check.ts";

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

  return {
    kind: "postgres",
    pool,
    ...postgresCacheQueries(pool),
    ...postgresChannelQueries(pool),
    ...postgresDeliveryQueries(pool),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
