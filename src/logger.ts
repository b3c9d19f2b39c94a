import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  /** Values never to be logged, wherever they appear (the bot token, the API key, the database password). */
  secrets?: ReadonlyArray<string | undefined>;
  /** Where lines go (default: stderr, so CLI stdout stays machine-readable). */
  destination?: DestinationStream;
}

const REDACTED = "[redacted]";

/** Fields whose value is a credential, whatever it looks like. */
const SECRET_KEYS = /^(authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|password|passwd|secret|client[-_]?secret|token|access[-_]?token|refresh[-_]?token|discord[-_]token|openai[-_]api[-_]key|cookie|set-cookie)$/i;

/** Credentials recognisable inside any text: URLs with tokens, auth headers, keys, connection strings. */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Interaction and webhook tokens travel in the URL path: /webhooks/{id}/{token}, /interactions/{id}/{token}/callback.
  [/(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'`]+/g, `$1${REDACTED}`],
  [/\b(Bot|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // Discord bot tokens: base64 id . timestamp . hmac.
  [/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}\b/g, REDACTED],
  // OpenAI-style keys (sk-…, sk-proj-…), also when a server echoes them back in an error body.
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  // user:password@ in connection strings and URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@/\s]+@/gi, `$1${REDACTED}@`],
  [/([?&](?:token|key|api_key|apikey|access_token|password)=)[^&#\s"']+/gi, `$1${REDACTED}`],
];

export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of a log value with every credential removed; errors become plain objects (pino's err serializer). */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (typeof value !== "object" || value === null) return value;
  if (depth > 8 || seen.has(value)) return "[…]";
  seen.add(value);
  if (value instanceof Error) return redactValue(pino.stdSerializers.err(value), secrets, depth + 1, seen);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1, seen));
  if (value instanceof Date || value instanceof URL) return redactText(String(value instanceof Date ? value.toISOString() : value.href), secrets);
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) && inner !== undefined && inner !== null && inner !== "" ? REDACTED : redactValue(inner, secrets, depth + 1, seen);
  }
  return out;
}

/** Structured JSON logs on stderr, with tokens, keys and passwords removed from every line. */
export function createLogger(level: string = "info", options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 6);
  const scrub = (value: unknown) => redactValue(value, secrets);
  return pino(
    {
      level,
      base: { app: "marketbrief" },
      serializers: { err: scrub, error: scrub },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === "string" ? redactText(arg, secrets) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/** The configured credentials, for createLogger's `secrets`. */
export function secretsOf(config: { discord: { token?: string | undefined }; llm?: { apiKey?: string | undefined } | undefined; database: { kind: string; url?: string } }): string[] {
  // "not-needed" is the placeholder key for servers that want none.
  const secrets: Array<string | undefined> = [config.discord.token, config.llm?.apiKey === "not-needed" ? undefined : config.llm?.apiKey];
  if (config.database.kind === "postgres" && config.database.url !== undefined) {
    try {
      const password = decodeURIComponent(new URL(config.database.url).password);
      if (password !== "") secrets.push(password);
    } catch {
      // An unparsable URL was refused by the config schema already.
    }
  }
  return secrets.filter((s): s is string => s !== undefined && s !== "");
}

export const silentLogger: Logger = pino({ level: "silent" });
