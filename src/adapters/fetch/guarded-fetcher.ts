import dns from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import { TLSSocket } from "node:tls";
import { UserFacingError } from "../../core/errors.ts";
import type { FetchedPage, FetchOptions, PageFetcher } from "../../core/ports.ts";
import type { Logger } from "../../logger.ts";
import { type AllowList, checkAddress, parseAllowList } from "./address-policy.ts";
import { decodeBody, mediaType } from "./charset.ts";
import { type FetchState, formatSeconds, statusError, toUserFacing } from "./fetch-errors.ts";
import { assertAccepted, sniffMediaType } from "./media-type.ts";
import { readBody, tooLarge } from "./response-body.ts";
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

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
