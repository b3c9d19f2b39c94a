import { existsSync } from "node:fs";
import { parseEnv } from "node:util";
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { DatabaseLocation } from "./core/store.ts";
import { parseShardPlan, shardProblems, type ShardPlan } from "./config-shards.ts";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const intWithDefault = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? String(fallback) : v.trim()))
    .pipe(
      z
        .string()
        .regex(/^-?\d+$/, { message: "must be a whole number" })
        .transform(Number)
        .pipe(z.number().int().min(min).max(max)),
    );

const httpUrl = (what: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/i.test(v), {
    message: `${what} must be an http:// or https:// URL`,
  });

const ConfigSchema = z
  .object({
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .optional(),
    DATABASE_URL: optionalString.refine(
      (v) => v === undefined || v.startsWith("sqlite:") || /^postgres(ql)?:\/\//.test(v),
      { message: "DATABASE_URL must be sqlite:PATH or postgres://…" },
    ),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: httpUrl("OPENAI_BASE_URL"),
    LLM_MODEL: optionalString,
    LLM_TIMEOUT_MS: intWithDefault(30_000, 100, 600_000),
    LLM_MAX_INPUT_TOKENS: intWithDefault(6_000, 200, 200_000),
    FETCH_ALLOW_PRIVATE: optionalString,
    FETCH_TIMEOUT_MS: intWithDefault(15_000, 100, 120_000),
    FETCH_CONNECT_TIMEOUT_MS: intWithDefault(5_000, 50, 60_000),
    FETCH_MAX_BYTES: intWithDefault(5_000_000, 1_000, 100_000_000),
    USER_AGENT: optionalString,
    SYMBOLS_PATH: optionalString,
    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: optionalString.refine((v) => v === undefined || /^\d{5,25}$/.test(v), {
      message: "DISCORD_APPLICATION_ID must be a numeric snowflake",
    }),
    DISCORD_GUILD_ID: optionalString.refine((v) => v === undefined || /^\d{5,25}$/.test(v), {
      message: "DISCORD_GUILD_ID must be a numeric snowflake",
    }),
    DISCORD_API_URL: httpUrl("DISCORD_API_URL"),
    SUMMARIZE_COOLDOWN_S: intWithDefault(10, 0, 86_400),
    GUILD_DAILY_BRIEFS: intWithDefault(200, 0, 1_000_000),
    NEWS_FEEDS: optionalString,
    DIGEST_CATCHUP_HOURS: intWithDefault(6, 0, 48),
    DIGEST_NOW_COOLDOWN_S: intWithDefault(300, 0, 86_400),
    DIGEST_LEASE_S: intWithDefault(45, 2, 900),
    WATCH_LIMIT: intWithDefault(25, 1, 500),
    MARKET_DATA_URL: optionalString.refine((v) => v === undefined || v.toLowerCase() === "off" || /^https?:\/\/\S+$/i.test(v), {
      message: "MARKET_DATA_URL must be an http:// or https:// URL, or off",
    }),
    HTTP_PORT: optionalString.refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) <= 65_535), {
      message: "HTTP_PORT must be a port number (0-65535)",
    }),
    HTTP_HOST: optionalString,
    SHARD_COUNT: optionalString.refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) >= 1), {
      message: "SHARD_COUNT must be a whole number of at least 1",
    }),
    SHARD_IDS: optionalString.refine((v) => v === undefined || /^\d{1,5}(\s*,\s*\d{1,5})*$/.test(v), {
      message: "SHARD_IDS must be comma-separated shard numbers, e.g. 0,1",
    }),
  })
  .superRefine((env, ctx) => {
    for (const problem of shardProblems(env.SHARD_COUNT, env.SHARD_IDS)) ctx.addIssue({ code: "custom", path: ["SHARD_IDS"], message: problem });
    if (env.FETCH_ALLOW_PRIVATE !== undefined) {
      for (const item of env.FETCH_ALLOW_PRIVATE.split(",").map((s) => s.trim()).filter(Boolean)) {
        if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(item)) {
          ctx.addIssue({
            code: "custom",
            path: ["FETCH_ALLOW_PRIVATE"],
            message: `"${item}" is not an IP address or CIDR range`,
          });
        }
      }
    }
  });

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  /** Unset: the CLI logs errors only, the bot logs info. */
  logLevel?: NonNullable<RawConfig["LOG_LEVEL"]>;
  database: DatabaseLocation;
  llm?: { apiKey: string; baseURL?: string; model: string; timeoutMs: number; maxInputTokens: number };
  fetch: {
    allowPrivate: string[];
    timeoutMs: number;
    connectTimeoutMs: number;
    maxBytes: number;
    userAgent: string;
  };
  symbolsPath?: string;
  discord: {
    token?: string;
    applicationId?: string;
    guildId?: string;
    apiUrl?: string;
    summarizeCooldownS: number;
    guildDailyBriefs: number;
    /** Unset: Discord's recommended shard count, all in this process. */
    shards?: ShardPlan;
  };
  /** HTTP_PORT set: /healthz and /metrics on host:port (host defaults to loopback). */
  http?: { port: number; host: string };
  newsFeeds?: string[];
  /** leaseS: lease of a digest delivery's claim, renewed every third of it while the holder works. */
  digest: { catchupHours: number; watchLimit: number; nowCooldownS: number; leaseS: number };
  /** Absent: MARKET_DATA_URL=off, no prices or charts anywhere. */
  marketData?: { baseUrl: string };
}

export const DEFAULT_USER_AGENT =
  "marketbrief/0.1 (+https://github.com/marketbrief/marketbrief; self-hosted news brief bot)";
export const DEFAULT_MARKET_DATA_URL = "https://query1.finance.yahoo.com";
export const DEFAULT_MODEL = "gpt-4o-mini";
export const DEFAULT_HTTP_HOST = "127.0.0.1";
export const DEFAULT_SQLITE_PATH = "./data/marketbrief.db";

/**
 * discord.js appends "/v10" to its REST base itself, so a base given with the version
 * ("http://127.0.0.1:8080/api/v10") or a trailing slash is trimmed to "http://127.0.0.1:8080/api".
 */
export function restBase(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v\d+$/, "");
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Reads `.env` (when present) under the real environment, which wins. */
export function readEnvironment(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const path = `${cwd}/.env`;
  const fromFile = existsSync(path) ? parseEnv(readFileSync(path, "utf8")) : {};
  return { ...fromFile, ...env };
}

/** Validates the whole environment at once; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  // An empty value (as in a copied .env.example) means "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const llmConfigured = e.OPENAI_API_KEY !== undefined || e.OPENAI_BASE_URL !== undefined;
  const dbUrl = e.DATABASE_URL;
  const config: Config = {
    database:
      dbUrl === undefined
        ? { kind: "sqlite", path: DEFAULT_SQLITE_PATH }
        : dbUrl.startsWith("sqlite:")
          ? { kind: "sqlite", path: dbUrl.slice("sqlite:".length) || DEFAULT_SQLITE_PATH }
          : { kind: "postgres", url: dbUrl },
    fetch: {
      allowPrivate: (e.FETCH_ALLOW_PRIVATE ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      timeoutMs: e.FETCH_TIMEOUT_MS,
      connectTimeoutMs: e.FETCH_CONNECT_TIMEOUT_MS,
      maxBytes: e.FETCH_MAX_BYTES,
      userAgent: e.USER_AGENT ?? DEFAULT_USER_AGENT,
    },
    discord: {
      summarizeCooldownS: e.SUMMARIZE_COOLDOWN_S,
      guildDailyBriefs: e.GUILD_DAILY_BRIEFS,
    },
    digest: { catchupHours: e.DIGEST_CATCHUP_HOURS, watchLimit: e.WATCH_LIMIT, nowCooldownS: e.DIGEST_NOW_COOLDOWN_S, leaseS: e.DIGEST_LEASE_S },
  };
  if (llmConfigured) {
    config.llm = {
      // Local OpenAI-compatible servers usually ignore the key; the SDK still wants one.
      apiKey: e.OPENAI_API_KEY ?? "not-needed",
      model: e.LLM_MODEL ?? DEFAULT_MODEL,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxInputTokens: e.LLM_MAX_INPUT_TOKENS,
      ...(e.OPENAI_BASE_URL !== undefined ? { baseURL: e.OPENAI_BASE_URL } : {}),
    };
  }
  if (e.MARKET_DATA_URL?.toLowerCase() !== "off") {
    config.marketData = { baseUrl: (e.MARKET_DATA_URL ?? DEFAULT_MARKET_DATA_URL).replace(/\/+$/, "") };
  }
  if (e.LOG_LEVEL !== undefined) config.logLevel = e.LOG_LEVEL;
  if (e.SYMBOLS_PATH !== undefined) config.symbolsPath = e.SYMBOLS_PATH;
  if (e.DISCORD_TOKEN !== undefined) config.discord.token = e.DISCORD_TOKEN;
  if (e.DISCORD_APPLICATION_ID !== undefined) config.discord.applicationId = e.DISCORD_APPLICATION_ID;
  if (e.DISCORD_GUILD_ID !== undefined) config.discord.guildId = e.DISCORD_GUILD_ID;
  if (e.DISCORD_API_URL !== undefined) config.discord.apiUrl = restBase(e.DISCORD_API_URL);
  if (e.HTTP_PORT !== undefined) config.http = { port: Number(e.HTTP_PORT), host: e.HTTP_HOST ?? DEFAULT_HTTP_HOST };
  const shards = parseShardPlan(e.SHARD_COUNT, e.SHARD_IDS);
  if (shards !== undefined) config.discord.shards = shards;
  if (e.NEWS_FEEDS !== undefined) config.newsFeeds = e.NEWS_FEEDS.split(/\s+/).filter(Boolean);
  return config;
}
