import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
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

/** FETCH_MAX_BYTES's default: local files get the same cap as fetched pages. */
export const DEFAULT_INPUT_MAX_BYTES = 5_000_000;

class InputTooLarge extends Error {}

/**
 * Reads a stream (a file, stdin), gunzipping it on the way when asked, and stops as soon as more
 * than `maxBytes` came out: a small .gz that expands to gigabytes costs at most the cap in memory.
 */
async function readCapped(source: Readable, maxBytes: number, gunzip: boolean): Promise<Buffer> {
  const stream = gunzip ? source.pipe(createGunzip()) : source;
  if (gunzip) source.on("error", (err) => stream.destroy(err));
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw new InputTooLarge();
      chunks.push(chunk as Buffer);
    }
  } finally {
    source.destroy();
    stream.destroy();
  }
  return Buffer.concat(chunks, total);
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / 1_000_000) * 10) / 10} MB`;
}

/** Turns a CLI argument (URL, file path or "-") into a pipeline input; files and stdin are read up to `maxBytes` (after decompression). */
export async function resolveInput(arg: string, baseUrl?: string, maxBytes: number = DEFAULT_INPUT_MAX_BYTES): Promise<SummarizeInput> {
  if (isUrlArgument(arg)) {
    const url = parseUserUrl(arg);
    return { kind: "url", url: url.href, canonicalUrl: canonicalizeUrl(url.href) };
  }
  const name = arg === "-" ? "stdin" : arg;
  const gunzip = arg.endsWith(".gz");
  let bytes: Buffer;
  try {
    bytes = await readCapped(arg === "-" ? process.stdin : createReadStream(arg), maxBytes, gunzip);
  } catch (err) {
    if (err instanceof InputTooLarge) {
      throw new UserFacingError(
        "too_large",
        `${name} is larger than ${formatMb(maxBytes)}${gunzip ? " once decompressed" : ""}, the most marketbrief reads (FETCH_MAX_BYTES).`,
      );
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("Z_")) throw new UserFacingError("invalid_input", `${arg} is not a valid gzip file.`);
    throw new UserFacingError("invalid_input", code === "ENOENT" ? `No such file: ${arg}` : `Cannot read ${arg} (${code ?? "error"}).`);
  }
  if (bytes.length === 0) throw new UserFacingError("invalid_input", `${name} is empty.`);
  const asHtml = HTML_EXT.test(arg) || (!TEXT_EXT.test(arg) && looksLikeHtml(bytes.subarray(0, 20000).toString("latin1")));
  if (asHtml) {
    const { text } = decodeHtmlBytes(bytes);
    return { kind: "html", html: text, name, ...(baseUrl ? { baseUrl } : {}) };
  }
  return { kind: "text", text: new TextDecoder("utf-8").decode(bytes), name };
}
