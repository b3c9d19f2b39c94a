import type { Config } from "../../config.ts";
import type { Store } from "../../core/store.ts";
import { UserFacingError } from "../../core/errors.ts";
import { openSqliteStore } from "./sqlite-store.ts";

export async function openStore(database: Config["database"]): Promise<Store> {
  if (database.kind === "sqlite") return openSqliteStore(database.path);
  throw new UserFacingError(
    "invalid_input",
    "PostgreSQL storage is not available in this version; unset DATABASE_URL to use SQLite.",
  );
}
