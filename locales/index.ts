import { de } from "./de.ts";
import { en, type Catalog } from "./en.ts";

/** Every catalog by ISO 639-1 language; adding a language is adding its file here. */
export const CATALOGS: Readonly<Record<string, Catalog>> = { en, de };
export type { Catalog, MessageKey } from "./en.ts";
