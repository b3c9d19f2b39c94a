import { UserFacingError } from "../../core/errors.ts";
import type { DatabaseLocation } from "../../core/store.ts";

/**
 * Turns a failure to open, migrate or write the store into one line that names the file or host
 * (never the password) and says what to do: `npm start` prints it and exits 1.
 */
export function storeFailure(database: DatabaseLocation, err: unknown): UserFacingError {
  if (err instanceof UserFacingError) return err;
  const reason = reasonOf(err);
  if (database.kind === "postgres") {
    return new UserFacingError(
      "unreachable",
      `PostgreSQL at ${describePostgresTarget(database.url)} cannot be used (${reason}). Check DATABASE_URL and that its user may create tables and write there.`,
      { cause: err },
    );
  }
  const { path } = database;
  const sqliteCode = typeof (err as { errcode?: unknown }).errcode === "number" ? (err as { errcode: number }).errcode & 0xff : undefined;
  const fsCode = (err as { code?: unknown }).code;
  let advice: string;
  if (sqliteCode === 8) {
    advice = `the SQLite database ${path} is read-only for this user (${reason}). Make the file and its folder writable by the bot's user, or point DATABASE_URL at another file.`;
  } else if (sqliteCode === 26 || sqliteCode === 11) {
    advice = `the SQLite database ${path} is corrupt or not a SQLite file (${reason}). Restore it from a backup, or move it away to start with an empty database.`;
  } else if (sqliteCode === 14 || fsCode === "EACCES" || fsCode === "EPERM" || fsCode === "EROFS") {
    advice = `cannot open the SQLite database ${path} (${reason}). Make its folder writable by the bot's user, or point DATABASE_URL at another file.`;
  } else {
    advice = `the SQLite database ${path} cannot be used (${reason}). Check DATABASE_URL, or move the file away to start with an empty database.`;
  }
  return new UserFacingError("unreachable", advice.charAt(0).toUpperCase() + advice.slice(1), { cause: err });
}

/** The error in one line (Node reports a refused dual-stack connect as an AggregateError with an empty message). */
export function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const text = err.message || (typeof code === "string" ? code : err.name);
  return text.replaceAll(/\s+/g, " ").trim();
}

export function describePostgresTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname === "" ? "the local socket" : parsed.port === "" ? parsed.hostname : `${parsed.hostname}:${parsed.port}`;
    return `${host}${parsed.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}
