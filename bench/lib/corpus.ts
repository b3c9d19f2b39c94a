import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export interface CorpusPage {
  id: string;
  url: string;
  expected: string;
  html: string;
  /** Primary subtag of `<html lang>`, lowercase, when the page declares one. */
  declaredLang?: string;
}

/** ../shared/corpus/extraction relative to the project root. */
export const EXTRACTION_CORPUS_DIR = fileURLToPath(
  new URL("../../../shared/corpus/extraction", import.meta.url),
);

export function extractionCorpusAvailable(dir: string = EXTRACTION_CORPUS_DIR): boolean {
  return existsSync(join(dir, "ground-truth.json")) && existsSync(join(dir, "html"));
}

const HTML_LANG_RE = /<html\b[^>]*?\blang\s*=\s*["']?([a-zA-Z]{2,3})/i;

/**
 * The corpus pages one at a time (sorted by id unless `ids` gives an order), so a benchmark's
 * memory is the extractor's and not the whole corpus held at once.
 */
export function* iterateExtractionCorpus(dir: string = EXTRACTION_CORPUS_DIR, ids?: readonly string[]): Generator<CorpusPage> {
  const truth = JSON.parse(readFileSync(join(dir, "ground-truth.json"), "utf8")) as Record<
    string,
    { articleBody?: string; url?: string }
  >;
  for (const id of ids ?? Object.keys(truth).toSorted()) {
    const entry = truth[id];
    if (!entry) throw new Error(`no ground truth for page ${id}`);
    const html = gunzipSync(readFileSync(join(dir, "html", `${id}.html.gz`))).toString("utf8");
    const lang = HTML_LANG_RE.exec(html)?.[1]?.toLowerCase();
    const page: CorpusPage = { id, url: entry.url ?? "", expected: entry.articleBody ?? "", html };
    if (lang) page.declaredLang = lang;
    yield page;
  }
}

export function loadExtractionCorpus(dir: string = EXTRACTION_CORPUS_DIR, ids?: readonly string[]): CorpusPage[] {
  return [...iterateExtractionCorpus(dir, ids)];
}
