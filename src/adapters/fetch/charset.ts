/**
 * Character-set detection and decoding for fetched pages and feeds. Pure functions.
 *
 * Order: byte-order mark, then the Content-Type header, then the document itself (<meta> for
 * HTML, the XML declaration for XML), then UTF-8. The BOM goes first because the WHATWG
 * Encoding standard lets it override everything: a BOM is never wrong, headers often are.
 * Labels are resolved by TextDecoder, so "iso-8859-1" and "latin1" become windows-1252, as in
 * every browser (German pages labelled ISO-8859-1 routinely contain 0x80 for the euro sign).
 */

export type CharsetSource = "bom" | "header" | "meta" | "xml" | "default" | "fallback";

export interface DetectedCharset {
  /** Canonical WHATWG encoding name, as TextDecoder reports it ("utf-8", "windows-1252"…). */
  encoding: string;
  source: CharsetSource;
}

export interface DecodedBody extends DetectedCharset {
  text: string;
}

/** How many leading bytes are searched for <meta charset> or an XML declaration. */
export const SNIFF_BYTES = 4096;

/** The lowercased type/subtype of a Content-Type header, "" when absent. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
}

export function isXmlMediaType(type: string): boolean {
  return type === "application/xml" || type === "text/xml" || type.endsWith("+xml");
}

/** Resolves an encoding label to its canonical name; undefined for unknown labels. */
export function normalizeEncodingLabel(label: string): string | undefined {
  const trimmed = label.trim().replace(/^["']|["']$/g, "");
  if (trimmed === "") return undefined;
  try {
    return new TextDecoder(trimmed).encoding;
  } catch {
    return undefined;
  }
}

/** The charset parameter of a Content-Type header, when present and known. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]+)/i.exec(contentType ?? "");
  if (match === null) return undefined;
  return normalizeEncodingLabel(match[2] ?? match[1] ?? "");
}

export function sniffBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

function leadingLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SNIFF_BYTES)).toString("latin1");
}

/** `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">` near the top. */
export function sniffMetaCharset(bytes: Uint8Array): string | undefined {
  const head = leadingLatin1(bytes).replace(/<!--[\s\S]*?-->/g, "");
  const match = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  if (match?.[1] === undefined) return undefined;
  const encoding = normalizeEncodingLabel(match[1]);
  // HTML standard: a <meta> readable as ASCII cannot be UTF-16, and x-user-defined means windows-1252.
  if (encoding === "utf-16le" || encoding === "utf-16be") return "utf-8";
  if (encoding === "x-user-defined") return "windows-1252";
  return encoding;
}

/** The encoding pseudo-attribute of a leading `<?xml … encoding="…"?>` declaration. */
export function sniffXmlEncoding(bytes: Uint8Array): string | undefined {
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(leadingLatin1(bytes));
  return match?.[1] === undefined ? undefined : normalizeEncodingLabel(match[1]);
}

export function detectCharset(bytes: Uint8Array, contentType: string | undefined): DetectedCharset {
  const bom = sniffBom(bytes);
  if (bom !== undefined) return { encoding: bom, source: "bom" };
  const header = charsetFromContentType(contentType);
  if (header !== undefined) return { encoding: header, source: "header" };
  const type = mediaType(contentType);
  if (isXmlMediaType(type)) {
    const xml = sniffXmlEncoding(bytes);
    if (xml !== undefined) return { encoding: xml, source: "xml" };
  } else if (type !== "text/plain") {
    const meta = sniffMetaCharset(bytes);
    if (meta !== undefined) return { encoding: meta, source: "meta" };
  }
  return { encoding: "utf-8", source: "default" };
}

/**
 * Decodes a body to text; undecodable bytes become U+FFFD rather than failing. When nothing
 * declares a charset and the bytes are not valid UTF-8, they are read as windows-1252, as
 * browsers do for Western pages: old German pages saved or served without a declaration.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined): DecodedBody {
  const detected = detectCharset(bytes, contentType);
  if (detected.source === "default") {
    try {
      return { ...detected, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
      return { encoding: "windows-1252", source: "fallback", text: new TextDecoder("windows-1252").decode(bytes) };
    }
  }
  return { ...detected, text: new TextDecoder(detected.encoding).decode(bytes) };
}

/** Decodes bytes known to be HTML (a saved page, a file): BOM, then <meta>, then UTF-8. */
export function decodeHtmlBytes(bytes: Uint8Array, contentType = "text/html"): DecodedBody {
  return decodeBody(bytes, contentType);
}
