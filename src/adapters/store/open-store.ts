import type { DatabaseLocation, Store } from "../../core/store.ts";
import type { Logger } from "../../logger.ts";
import { openSqliteStore } from "./sqlite-store.ts";
import { storeFailure } from "./store-check.ts";

/**
 * Opens the store, brings its schema up to date and writes to it once, so an unwritable, corrupt
 * or unreachable store is reported before anything else starts (one line: see store-check.ts).
 */
export async function openStore(database: DatabaseLocation, options: { logger?: Logger } = {}): Promise<Store> {
  let store: Store;
  try {
    if (database.kind === "sqlite") store = openSqliteStore(database.path);
    else {
      // Loaded only when used: a SQLite deployment never loads the PostgreSQL driver.
      const { openPostgresStore } = await import("./postgres-store.ts");
      store = await openPostgresStore(database.url, options.logger ? { logger: options.logger } : {});
    }
  } catch (err) {
    throw storeFailure(database, err);
  }
  try {
    await store.putCached("store-check", "last-start", JSON.stringify({ at: new Date().toISOString() }));
  } catch (err) {
    await store.close().catch(() => undefined);
    throw storeFailure(database, err);
  }
  return store;
}
