import { STATUS_CODES } from "node:http";
import { UserFacingError } from "../../core/errors.ts";
import type { Logger } from "../../logger.ts";

/** Turning HTTP statuses and network failures into messages for the user. */

/** What the error mapper needs to know about the fetch in flight. */
export interface FetchState {
  host: string;
  timedOut: boolean;
}

/** The fetch settings the error mapper reads. */
export interface ErrorContext {
  timeoutMs: number;
  logger: Logger | undefined;
}

export function statusError(status: number, retryAfter: string | undefined): UserFacingError {
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

const DNS_FAILURES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NODATA", "EAI_NONAME", "EAI_FAIL", "ENODATA"]);
const CLOSED = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);
const NO_ROUTE = new Set(["EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ENETDOWN", "EHOSTDOWN", "EADDRNOTAVAIL"]);

/** Maps network-level failures to the user-facing codes; lets programming errors through. */
export function toUserFacing(err: unknown, state: FetchState, settings: ErrorContext): unknown {
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

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
