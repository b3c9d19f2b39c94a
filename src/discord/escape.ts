/**
 * Makes untrusted text (model output, article text) inert in Discord markdown:
 * no masked links, no mentions, no headings/quotes/code blocks, and no live URLs.
 * Discord auto-links bare `scheme://` URLs in embed text, so every URL is shown without its
 * scheme as inline code (code spans are never linked). Only the renderer's embed.url links.
 */

const ZWSP = "\u200b";
const URL_DISPLAY_MAX = 60;

// Any `scheme://rest` (and a bare `://rest`) up to whitespace or "<", as Discord's own link rule
// reads it; a lone "https://" followed by a space is never linked and stays as text.
const URL_PATTERN = /(?:[a-z][a-z0-9+.-]*)?:\/\/[^\s<]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/;
const MARKDOWN_CHAR = /[\\*_~`|[\]>]/;
// Control characters other than tab/newline, bidi overrides and isolates (they can disguise text).
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Strips control and bidi characters, folds runs of whitespace (newlines too) into one space. */
export function normalizeInline(text: string): string {
  return text.replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

function urlToken(raw: string): string {
  // Every scheme goes, including ones glued on later in the same run of characters.
  let shown = raw.replace(/(?:[a-z][a-z0-9+.-]*)?:\/\//gi, "");
  // Inline code cannot hold a backtick.
  shown = shown.replace(/`/g, "'").replace(/\\/g, "%5C").replace(/@(everyone|here)/gi, `@${ZWSP}$1`);
  if (shown === "") return "";
  if (shown.length > URL_DISPLAY_MAX) shown = `${safeSlice(shown, URL_DISPLAY_MAX - 1)}…`;
  return `\`${shown}\``;
}

/** Cuts at most `max` UTF-16 units without splitting a surrogate pair. */
export function safeSlice(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * Splits escaped text into atomic tokens (an escaped character, a neutralized mention, a whole
 * code span), so truncation can never leave a dangling backslash or half a code span.
 */
function escapeTokens(text: string): string[] {
  const tokens: string[] = [];
  let last = 0;
  const pushPlain = (plain: string) => {
    const chars = [...plain];
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i] as string;
      const lineStart = i === 0 ? tokens.length === 0 || tokens.at(-1)?.endsWith("\n") : chars[i - 1] === "\n";
      if (ch === "@") {
        const rest = chars.slice(i + 1, i + 9).join("");
        tokens.push(/^(everyone|here)/i.test(rest) ? `@${ZWSP}` : "@");
      } else if (ch === "<") {
        // <@id>, <@!id>, <@&id>, <#id>, </cmd:id>, <:emoji:id>, <t:…>: break the syntax.
        tokens.push(`<${ZWSP}`);
      } else if (MARKDOWN_CHAR.test(ch)) {
        tokens.push(`\\${ch}`);
      } else if ((ch === "#" || ch === "-") && lineStart) {
        // Headings (#, ##, ###), subtext (-#) and list markers at the start of a line.
        tokens.push(`\\${ch}`);
      } else if (ch === "#" && chars[i - 1] === "-") {
        tokens.push(`\\${ch}`);
      } else {
        tokens.push(ch);
      }
    }
  };
  for (const match of text.matchAll(URL_PATTERN)) {
    pushPlain(text.slice(last, match.index));
    // Trailing punctuation usually belongs to the sentence (or a masked link's parenthesis).
    const trail = TRAILING_PUNCTUATION.exec(match[0])?.[0] ?? "";
    const token = urlToken(match[0].slice(0, match[0].length - trail.length));
    if (token !== "") tokens.push(token);
    pushPlain(trail);
    last = match.index + match[0].length;
  }
  pushPlain(text.slice(last));
  return tokens;
}

function joinWithin(tokens: string[], max: number): string {
  let total = 0;
  for (const t of tokens) total += t.length;
  if (total <= max) return tokens.join("");
  const ellipsis = "…";
  let out = "";
  let lastSpace = -1;
  for (const t of tokens) {
    if (out.length + t.length > max - ellipsis.length) break;
    if (t === " ") lastSpace = out.length;
    out += t;
  }
  // Cut between words when a word boundary is not too far back.
  if (lastSpace >= out.length * 0.6) out = out.slice(0, lastSpace);
  return `${out.trimEnd().replace(/[,;:]$/u, "")}${ellipsis}`;
}

/**
 * Escapes untrusted text for Discord markdown and truncates it to `max` UTF-16 units
 * (a safe upper bound for Discord's character limits). Whitespace is folded to single spaces
 * unless `multiline` is set.
 */
export function escapeMarkdown(text: string, max: number, options: { multiline?: boolean } = {}): string {
  if (max <= 0) return "";
  const cleaned = options.multiline
    ? text.replace(INVISIBLE, "").replace(/[ \t]+/g, " ").replace(/^ +/gm, "").replace(/\n{3,}/g, "\n\n").trim()
    : normalizeInline(text);
  return joinWithin(escapeTokens(cleaned), max);
}

/**
 * For places Discord shows as plain text (footer, author name, field names render no links):
 * no markdown escaping, but mentions and URLs are still neutralized and the length is capped.
 */
export function plainText(text: string, max: number): string {
  if (max <= 0) return "";
  const cleaned = normalizeInline(text)
    .replace(URL_PATTERN, (url) => url.replace(/(?:[a-z][a-z0-9+.-]*)?:\/\//gi, ""))
    .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
    .replace(/</g, `<${ZWSP}`);
  if (cleaned.length <= max) return cleaned;
  return `${safeSlice(cleaned, max - 1).trimEnd()}…`;
}
