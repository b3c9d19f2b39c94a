import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { decodeHtmlBytes } from "../../src/adapters/fetch/charset.ts";

/** One annotated page of ../shared/corpus/extraction-de (trafilatura's evaluation pages). */
export interface AnnotatedPage {
  id: string;
  url: string;
  language: string;
  mustContain: string[];
  mustNotContain: string[];
  title?: string;
  /** One name or several. */
  author?: string | string[];
  date?: string;
  /** The page decoded the way the CLI decodes a saved page: BOM, then <meta>, then UTF-8/windows-1252. */
  html: string;
}

export const EXTRACTION_DE_DIR = fileURLToPath(new URL("../../../shared/corpus/extraction-de", import.meta.url));

export function extractionDeAvailable(dir: string = EXTRACTION_DE_DIR): boolean {
  return existsSync(join(dir, "ground-truth.json")) && existsSync(join(dir, "html"));
}

type Entry = Omit<AnnotatedPage, "html">;

export function annotatedEntries(dir: string = EXTRACTION_DE_DIR): Entry[] {
  return JSON.parse(readFileSync(join(dir, "ground-truth.json"), "utf8")) as Entry[];
}

/**
 * A fixed split of the set by id, so tuning can be checked on pages it did not look at:
 * "dev" is ~70 % of the pages, "holdout" the rest.
 */
export function splitOf(id: string): "dev" | "holdout" {
  return Number.parseInt(id.slice(-2), 16) % 10 < 7 ? "dev" : "holdout";
}

export function* iterateAnnotatedPages(dir: string = EXTRACTION_DE_DIR, ids?: ReadonlySet<string>): Generator<AnnotatedPage> {
  for (const entry of annotatedEntries(dir)) {
    if (ids && !ids.has(entry.id)) continue;
    const bytes = gunzipSync(readFileSync(join(dir, "html", `${entry.id}.html.gz`)));
    yield { ...entry, html: decodeHtmlBytes(bytes).text };
  }
}
