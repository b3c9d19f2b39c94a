import type { Pool } from "pg";

/** Runs one statement on the pool and returns its rows. */
export type PgQuery = <R extends object>(sql: string, params?: unknown[]) => Promise<R[]>;

export function poolQuery(pool: Pool): PgQuery {
  return async <R extends object>(sql: string, params: unknown[] = []): Promise<R[]> => (await pool.query<R>(sql, params)).rows;
}
