import type { DatabaseLocation, Store } from "../../core/store.ts";
import type { Logger } from "../../logger.ts";
import { openSqliteStore } from "./sqlite-store.ts";

export async function openStore(database: DatabaseLocation, options: { logger?: Logger } = {}): Promise<Store> {
  if (database.kind === "sqlite") return openSqliteStore(database.path);
  // Loaded only when used: a SQLite deployment never loads the PostgreSQL driver.
  const { openPostgresStore } = await import("./postgres-store.ts");
  return openPostgresStore(database.url, options.logger ? { logger: options.logger } : {});
}
