import { UserFacingError } from "../../core/errors.ts";
import { isXmlMediaType } from "./charset.ts";

/** Whether a response's media type is one the caller accepts, and naming it for the user when not. */

function accepts(type: string, accept: readonly string[]): boolean {
  return accept.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    return wanted === type || (wanted.endsWith("/*") && type.startsWith(wanted.slice(0, -1)));
  });
}

export function assertAccepted(type: string, accept: readonly string[]): void {
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
export function sniffMediaType(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  if (head.includes(0)) return "application/octet-stream";
  const start = head.toString("latin1").replace(/^\uFEFF|^\xEF\xBB\xBF/, "").trimStart().toLowerCase();
  if (start.startsWith("<?xml")) return start.includes("<html") ? "application/xhtml+xml" : "application/xml";
  if (start.startsWith("<")) return "text/html";
  return "text/plain";
}
