import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_SQLITE_PATH, loadConfig } from "../src/config.ts";

describe("loadConfig", () => {
  it("defaults to SQLite and no LLM", () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: "sqlite", path: DEFAULT_SQLITE_PATH });
    expect(config.llm).toBeUndefined();
    expect(config.discord.summarizeCooldownS).toBe(10);
    expect(config.discord.guildDailyBriefs).toBe(200);
  });

  it("configures the LLM from a base URL alone (local servers need no key)", () => {
    const config = loadConfig({ OPENAI_BASE_URL: "http://127.0.0.1:9999/v1", LLM_TIMEOUT_MS: "2000" });
    expect(config.llm).toMatchObject({ baseURL: "http://127.0.0.1:9999/v1", timeoutMs: 2000 });
  });

  it("reports every problem at once", () => {
    let error: unknown;
    try {
      loadConfig({
        LLM_TIMEOUT_MS: "soon",
        DATABASE_URL: "mysql://x",
        FETCH_ALLOW_PRIVATE: "127.0.0.1,not-an-ip",
        DISCORD_API_URL: "ftp://x",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/LLM_TIMEOUT_MS/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/not-an-ip/);
    expect(problems).toMatch(/DISCORD_API_URL/);
  });

  it("parses sqlite and postgres URLs and the private allowlist", () => {
    expect(loadConfig({ DATABASE_URL: "sqlite:/tmp/x.db" }).database).toEqual({ kind: "sqlite", path: "/tmp/x.db" });
    expect(loadConfig({ DATABASE_URL: "postgres://u@127.0.0.1:5433/db" }).database.kind).toBe("postgres");
    expect(loadConfig({ FETCH_ALLOW_PRIVATE: "127.0.0.2, 127.0.0.0/8" }).fetch.allowPrivate).toEqual([
      "127.0.0.2",
      "127.0.0.0/8",
    ]);
  });
});

describe("loadConfig with a copied .env.example", () => {
  it("treats empty values as unset", () => {
    const config = loadConfig({ LOG_LEVEL: "", OPENAI_BASE_URL: "", LLM_TIMEOUT_MS: " ", DISCORD_GUILD_ID: "" });
    expect(config.llm).toBeUndefined();
    expect(config.logLevel).toBeUndefined();
  });
});

describe("DISCORD_API_URL", () => {
  it("accepts the REST base with or without the API version", () => {
    for (const value of ["http://127.0.0.1:9000/api", "http://127.0.0.1:9000/api/", "http://127.0.0.1:9000/api/v10", "http://127.0.0.1:9000/api/v10/"]) {
      expect(loadConfig({ DISCORD_API_URL: value }).discord.apiUrl, value).toBe("http://127.0.0.1:9000/api");
    }
  });
});
