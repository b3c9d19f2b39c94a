import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { decodeHtmlBytes } from "../adapters/fetch/charset.ts";
import { parseUserUrl, canonicalizeUrl } from "../adapters/fetch/url.ts";
import { UserFacingError } from "../core/errors.ts";
import type { SummarizeInput } from "../core/summarize.ts";

const HTML_EXT = /\.(x?html?|php|aspx?)(\.gz)?$/i;
const TEXT_EXT = /\.(txt|text|md)(\.gz)?$/i;

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<\?xml|<head|<body|<meta|<!--)/i.test(text.slice(0, 2048)) || /<\/(p|div|body)>/i.test(text.slice(0, 20000));
}

function isUrlArgument(arg: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(arg);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Turns a CLI argument (URL, file path or "-") into a pipeline input. */
export async function resolveInput(arg: string, baseUrl?: string): Promise<SummarizeInput> {
  if (isUrlArgument(arg)) {
    const url = parseUserUrl(arg);
    return { kind: "url", url: url.href, canonicalUrl: canonicalizeUrl(url.href) };
  }
  let bytes: Buffer;
  let name = arg;
  if (arg === "-") {
    bytes = await readStdin();
    name = "stdin";
  } else {
    try {
      bytes = await readFile(arg);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserFacingError(
        "invalid_input",
        code === "ENOENT" ? `No such file: ${arg}` : `Cannot read ${arg} (${code ?? "error"}).`,
      );
    }
  }
  if (arg.endsWith(".gz")) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new UserFacingError("invalid_input", `${arg} is not a valid gzip file.`);
    }
  }
  if (bytes.length === 0) throw new UserFacingError("invalid_input", `${name} is empty.`);
  const asHtml = HTML_EXT.test(arg) || (!TEXT_EXT.test(arg) && looksLikeHtml(bytes.subarray(0, 20000).toString("latin1")));
  if (asHtml) {
    const { text } = decodeHtmlBytes(bytes);
    return { kind: "html", html: text, name, ...(baseUrl ? { baseUrl } : {}) };
  }
  return { kind: "text", text: new TextDecoder("utf-8").decode(bytes), name };
}
