import dns from "node:dns";
import http, { STATUS_CODES, type IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import type { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { TLSSocket } from "node:tls";
import zlib from "node:zlib";
import { UserFacingError } from "../../core/errors.ts";
import type { FetchedPage, FetchOptions, PageFetcher } from "../../core/ports.ts";
import type { Logger } from "../../logger.ts";
import { type AllowList, checkAddress, parseAllowList } from "./address-policy.ts";
import { decodeBody, isXmlMediaType, mediaType } from "./charset.ts";
import { assertFetchableUrl, connectHost, parseUserUrl } from "./url.ts";

/**
 * SSRF-guarded HTTP GET for user-supplied and feed URLs.
 *
 * Every address is checked where the connection is made: host names through a custom
 * `lookup` that refuses the whole name when any resolved address is disallowed (so DNS
 * rebinding between check and connect is impossible), IP literals before the request is
 * created (Node never calls `lookup` for them). Redirects are followed by hand and every hop
 * goes through the same checks. `agent: false` keeps every request off shared agents and
 * any proxy, which would resolve names on our behalf.
 */

export interface PageFetcherOptions {
  /** IPs or CIDR ranges that may be reached although private/loopback (FETCH_ALLOW_PRIVATE). */
  allowPrivate: readonly string[];
  /** Budget for the whole fetch: every hop, headers and body. */
  timeoutMs: number;
  /** Budget per hop for DNS + TCP (+ TLS) until the connection is up. */
  connectTimeoutMs: number;
  /** Cap on the body, counted on the wire and again after decompression. */
  maxBytes: number;
  userAgent: string;
  maxRedirects?: number;
  logger?: Logger;
}

export const DEFAULT_ACCEPT: readonly string[] = ["text/html", "application/xhtml+xml", "text/plain"];
export const DEFAULT_MAX_REDIRECTS = 5;
export const ACCEPT_LANGUAGE = "en-US,en;q=0.9,de;q=0.8,*;q=0.5";

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

interface Settings {
  allow: AllowList;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxBytes: number;
  userAgent: string;
  maxRedirects: number;
  logger: Logger | undefined;
}

export function createPageFetcher(options: PageFetcherOptions): PageFetcher {
  const settings: Settings = {
    allow: parseAllowList(options.allowPrivate),
    timeoutMs: options.timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    maxBytes: options.maxBytes,
    userAgent: options.userAgent,
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    logger: options.logger,
  };
  return { fetch: (url, fetchOptions = {}) => fetchPage(url, fetchOptions, settings) };
}

/** What the error mapper needs to know about the fetch in flight. */
interface FetchState {
  host: string;
  timedOut: boolean;
}

async function fetchPage(input: string, options: FetchOptions, settings: Settings): Promise<FetchedPage> {
  const requested = parseUserUrl(input);
  const state: FetchState = { host: requested.host, timedOut: false };
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    state.timedOut = true;
    deadline.abort();
  }, settings.timeoutMs);
  const signal = options.signal === undefined ? deadline.signal : AbortSignal.any([options.signal, deadline.signal]);
  const started = performance.now();
  try {
    options.signal?.throwIfAborted();
    let url = requested;
    for (let hop = 0; ; hop++) {
      state.host = url.host;
      const response = await requestOnce(url, hop, signal, options, settings);
      const status = response.statusCode ?? 0;
      settings.logger?.debug({ url: url.href, status, hop, ms: Math.round(performance.now() - started) }, "fetch hop");
      if (!REDIRECT_STATUSES.has(status)) {
        return await readPage(response, requested, url, signal, options, settings);
      }
      response.destroy();
      url = redirectTarget(response, url, hop, settings.maxRedirects);
    }
  } catch (err) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    throw toUserFacing(err, state, settings);
  } finally {
    clearTimeout(timer);
  }
}

function redirectTarget(response: IncomingMessage, from: URL, hop: number, maxRedirects: number): URL {
  const location = response.headers.location;
  if (location === undefined || location.trim() === "") {
    throw new UserFacingError("http_status", `The page answered HTTP ${response.statusCode} without saying where to go.`, {
      key: "error.redirectNoLocation",
      params: { status: response.statusCode ?? 0 },
    });
  }
  if (hop >= maxRedirects) {
    throw new UserFacingError(
      "too_many_redirects",
      `The link redirects more than ${maxRedirects} times; open it in a browser and share the final address.`,
      { key: "error.tooManyRedirects", params: { max: maxRedirects } },
    );
  }
  try {
    return new URL(location, from);
  } catch {
    throw new UserFacingError("invalid_url", "The page redirected to an invalid link.", { key: "error.badRedirect" });
  }
}

function blockedError(url: URL, hop: number, reason: string): UserFacingError {
  const subject = hop === 0 ? `That link (${url.host})` : `The page redirected to ${url.host}, which`;
  return new UserFacingError(
    "blocked_address",
    `${subject} points to a ${reason}. marketbrief only fetches public web addresses.`,
    { key: hop === 0 ? "error.blocked" : "error.blockedRedirect", params: { host: url.host, reason } },
  );
}

/** Resolves like dns.lookup but refuses the name when any of its addresses is disallowed. */
function guardedLookup(url: URL, hop: number, settings: Settings): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) {
        callback(err, "");
        return;
      }
      for (const { address } of addresses) {
        const verdict = checkAddress(address, settings.allow);
        if (!verdict.allowed) {
          settings.logger?.warn({ host: hostname, address, reason: verdict.reason }, "fetch refused address");
          callback(blockedError(url, hop, verdict.reason) as NodeJS.ErrnoException, "");
          return;
        }
      }
      const first = addresses[0];
      if (options.all === true) callback(null, addresses);
      else if (first === undefined) callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), "");
      else callback(null, first.address, first.family);
    });
  };
}

function requestHeaders(url: URL, options: FetchOptions, settings: Settings): Record<string, string> {
  const accept = options.accept ?? DEFAULT_ACCEPT;
  return {
    host: url.host,
    "user-agent": settings.userAgent,
    accept: [...accept, "*/*;q=0.1"].join(", "),
    "accept-language": ACCEPT_LANGUAGE,
    "accept-encoding": "gzip, deflate, br",
    ...options.headers,
  };
}

function requestOnce(
  url: URL,
  hop: number,
  signal: AbortSignal,
  options: FetchOptions,
  settings: Settings,
): Promise<IncomingMessage> {
  assertFetchableUrl(url, hop === 0 ? "That link" : "The link it redirects to");
  const host = connectHost(url);
  if (net.isIP(host) !== 0) {
    const verdict = checkAddress(host, settings.allow);
    if (!verdict.allowed) {
      settings.logger?.warn({ address: host, reason: verdict.reason }, "fetch refused address");
      throw blockedError(url, hop, verdict.reason);
    }
  }
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request({
      protocol: url.protocol,
      hostname: host,
      port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "GET",
      headers: requestHeaders(url, options, settings),
      agent: false,
      lookup: guardedLookup(url, hop, settings),
      signal,
    });
    const connectTimer = setTimeout(() => {
      request.destroy(
        new UserFacingError(
          "timeout",
          `Could not connect to ${url.host} within ${formatSeconds(settings.connectTimeoutMs)}; try again later.`,
          { key: "error.connectTimeout", params: { host: url.host, duration: formatSeconds(settings.connectTimeoutMs) } },
        ),
      );
    }, settings.connectTimeoutMs);
    request.once("socket", (socket) => {
      socket.once(socket instanceof TLSSocket ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
      socket.once("connect", () => {
        // Backstop: the checks above decide before connecting; this catches any path that skipped them.
        const remote = socket.remoteAddress;
        const verdict = remote === undefined ? undefined : checkAddress(remote, settings.allow);
        if (verdict !== undefined && !verdict.allowed) request.destroy(blockedError(url, hop, verdict.reason));
      });
    });
    request.once("response", (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    request.once("error", (err) => {
      clearTimeout(connectTimer);
      reject(err);
    });
    request.end();
  });
}

async function readPage(
  response: IncomingMessage,
  requested: URL,
  url: URL,
  signal: AbortSignal,
  options: FetchOptions,
  settings: Settings,
): Promise<FetchedPage> {
  const status = response.statusCode ?? 0;
  const contentTypeHeader = response.headers["content-type"];
  const headers = flattenHeaders(response.headers);
  if (status === 304 && options.allowNotModified === true) {
    response.destroy();
    return {
      requestedUrl: requested.href,
      url: url.href,
      status,
      contentType: mediaType(contentTypeHeader),
      charset: "utf-8",
      body: "",
      headers,
    };
  }
  if (status < 200 || status >= 300) {
    response.destroy();
    throw statusError(status, response.headers["retry-after"]);
  }
  const accept = options.accept ?? DEFAULT_ACCEPT;
  const declaredType = mediaType(contentTypeHeader);
  if (declaredType !== "") assertAccepted(declaredType, accept);
  const declaredLength = Number(response.headers["content-length"]);
  if (Number.isFinite(declaredLength) && declaredLength > settings.maxBytes) {
    response.destroy();
    throw tooLarge(settings.maxBytes);
  }
  const bytes = await readBody(response, settings.maxBytes, signal);
  const contentType = declaredType === "" ? sniffMediaType(bytes) : declaredType;
  if (declaredType === "") assertAccepted(contentType, accept);
  const decoded = decodeBody(bytes, contentTypeHeader ?? contentType);
  return {
    requestedUrl: requested.href,
    url: url.href,
    status,
    contentType,
    charset: decoded.encoding,
    body: decoded.text,
    headers,
  };
}

function statusError(status: number, retryAfter: string | undefined): UserFacingError {
  if (status === 429) {
    const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
    const when = seconds === undefined ? "later" : `in ${formatSeconds(seconds * 1000)}`;
    return new UserFacingError("rate_limited", `The site is limiting requests (HTTP 429); try again ${when}.`, {
      key: "error.siteRateLimited",
      params: { when },
    });
  }
  const text = STATUS_CODES[status] ?? "unexpected status";
  return new UserFacingError("http_status", `The page answered HTTP ${status} (${text}).`, { key: "error.httpStatus", params: { status, text } });
}

function accepts(type: string, accept: readonly string[]): boolean {
  return accept.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    return wanted === type || (wanted.endsWith("/*") && type.startsWith(wanted.slice(0, -1)));
  });
}

function assertAccepted(type: string, accept: readonly string[]): void {
  if (accepts(type, accept)) return;
  const wanted = accept.some((t) => t === "text/html")
    ? "a web page"
    : accept.some((t) => isXmlMediaType(t))
      ? "a feed"
      : `one of ${accept.join(", ")}`;
  throw new UserFacingError("unsupported_content", `That link is ${describeMediaType(type)} (${type}), not ${wanted}.`, {
    key: "error.unsupportedContent",
    params: { kind: describeMediaType(type), type, wanted },
  });
}

export function describeMediaType(type: string): string {
  if (type === "application/pdf") return "a PDF";
  if (type.startsWith("image/")) return "an image";
  if (type.startsWith("video/")) return "a video";
  if (type.startsWith("audio/")) return "an audio file";
  if (type === "application/json" || type.endsWith("+json")) return "JSON data";
  if (type === "text/html" || type === "application/xhtml+xml") return "a web page";
  if (type === "application/rss+xml" || type === "application/atom+xml") return "a feed";
  if (isXmlMediaType(type)) return "an XML document";
  if (type === "text/plain") return "plain text";
  if (type.startsWith("text/")) return "a text file";
  return "a file download";
}

/** A type for a body sent without Content-Type: markup or text by its first bytes, else binary. */
function sniffMediaType(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  if (head.includes(0)) return "application/octet-stream";
  const start = head.toString("latin1").replace(/^\uFEFF|^\xEF\xBB\xBF/, "").trimStart().toLowerCase();
  if (start.startsWith("<?xml")) return start.includes("<html") ? "application/xhtml+xml" : "application/xml";
  if (start.startsWith("<")) return "text/html";
  return "text/plain";
}

function decompressor(encoding: string): Transform | undefined {
  // Flushing like this tolerates a truncated last block, as browsers do.
  switch (encoding) {
    case "":
    case "identity":
      return undefined;
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "deflate":
      return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "br":
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    case "zstd":
      return zlib.createZstdDecompress();
    default:
      throw new UserFacingError("unsupported_content", `The page uses an unsupported compression (${encoding}).`, {
        key: "error.unsupportedCompression",
        params: { encoding },
      });
  }
}

/** Streams the body, aborting (and dropping the connection) as soon as the cap is passed. */
async function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const encoding = (response.headers["content-encoding"] ?? "").trim().toLowerCase();
  let inflate: Transform | undefined;
  try {
    inflate = decompressor(encoding);
  } catch (err) {
    response.destroy();
    throw err;
  }
  const chunks: Buffer[] = [];
  let wire = 0;
  let total = 0;
  const countWire = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      wire += chunk.byteLength;
      if (wire > maxBytes) throw tooLarge(maxBytes);
      yield chunk;
    }
  };
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  };
  if (inflate === undefined) await pipeline(response, countWire, collect, { signal });
  else await pipeline(response, countWire, inflate, collect, { signal });
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): UserFacingError {
  return new UserFacingError(
    "too_large",
    `The page is larger than ${formatBytes(maxBytes)}, the most marketbrief reads; try a lighter version of it.`,
    { key: "error.tooLarge", params: { size: formatBytes(maxBytes) } },
  );
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

const DNS_FAILURES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NODATA", "EAI_NONAME", "EAI_FAIL", "ENODATA"]);
const CLOSED = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);
const NO_ROUTE = new Set(["EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ENETDOWN", "EHOSTDOWN", "EADDRNOTAVAIL"]);

/** Maps network-level failures to the user-facing codes; lets programming errors through. */
function toUserFacing(err: unknown, state: FetchState, settings: Settings): unknown {
  if (err instanceof UserFacingError) return err;
  if (state.timedOut) {
    return new UserFacingError(
      "timeout",
      `The site took longer than ${formatSeconds(settings.timeoutMs)} to send the page; try again later.`,
      { cause: err, key: "error.readTimeout", params: { duration: formatSeconds(settings.timeoutMs) } },
    );
  }
  const cause = err instanceof Error && err.cause instanceof UserFacingError ? err.cause : undefined;
  if (cause !== undefined) return cause;
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : undefined;
  if (code === undefined) return err;
  settings.logger?.debug({ host: state.host, code }, "fetch network error");
  const host = state.host;
  let message: string;
  let key: string;
  if (DNS_FAILURES.has(code)) [message, key] = [`Could not find the site ${host} (DNS lookup failed); check the link.`, "error.dns"];
  else if (code === "ECONNREFUSED") [message, key] = [`${host} refused the connection; the site may be down.`, "error.refused"];
  else if (CLOSED.has(code)) [message, key] = [`The connection to ${host} closed before the page arrived; try again.`, "error.closed"];
  else if (NO_ROUTE.has(code)) [message, key] = [`${host} cannot be reached from here; try again later.`, "error.noRoute"];
  else if (code.startsWith("HPE_")) [message, key] = [`${host} sent an invalid HTTP response.`, "error.badHttp"];
  else if (code.startsWith("Z_") || code.startsWith("ERR__") || code === "ERR_ZSTD_INVALID_PARAM") {
    return new UserFacingError("unsupported_content", `${host} sent corrupt compressed data.`, { cause: err, key: "error.corruptData", params: { host } });
  } else if (code === "EPROTO" || /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_/.test(code)) {
    [message, key] = [`A secure connection to ${host} could not be established (${code}).`, "error.tls"];
  } else if (code === "ABORT_ERR") return err;
  else [message, key] = [`Could not load the page from ${host} (${code}).`, "error.unreachable"];
  return new UserFacingError("unreachable", message, { cause: err, key, params: { host, code } });
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${+(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${+(bytes / 1_000).toFixed(1)} kB`;
  return `${bytes} bytes`;
}
