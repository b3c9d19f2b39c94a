import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { createDiscordClient } from "../src/discord/client.ts";
import { checkHealth } from "../src/http/health.ts";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe("HTTP_PORT, HTTP_HOST, SHARD_COUNT, SHARD_IDS", () => {
  it("keeps the ops server off by default and binds loopback unless HTTP_HOST says otherwise", () => {
    expect(loadConfig({}).http).toBeUndefined();
    expect(loadConfig({ HTTP_PORT: "9464" }).http).toEqual({ port: 9464, host: "127.0.0.1" });
    expect(loadConfig({ HTTP_PORT: "9464", HTTP_HOST: "0.0.0.0" }).http).toEqual({ port: 9464, host: "0.0.0.0" });
    expect(problemsOf({ HTTP_PORT: "http" }).join()).toContain("HTTP_PORT");
    expect(problemsOf({ HTTP_PORT: "70000" }).join()).toContain("HTTP_PORT");
  });

  it("turns SHARD_COUNT and SHARD_IDS into the shards of this process, and reports bad combinations", () => {
    expect(loadConfig({}).discord.shards).toBeUndefined();
    expect(loadConfig({ SHARD_COUNT: "4", SHARD_IDS: "2, 3" }).discord.shards).toEqual({ count: 4, ids: [2, 3] });
    expect(loadConfig({ SHARD_COUNT: "3" }).discord.shards).toEqual({ count: 3, ids: [0, 1, 2] });
    expect(problemsOf({ SHARD_IDS: "0" }).join()).toContain("SHARD_IDS needs SHARD_COUNT");
    expect(problemsOf({ SHARD_COUNT: "2", SHARD_IDS: "1,2" }).join()).toContain("shard 2 is outside 0..1");
    expect(problemsOf({ SHARD_COUNT: "0" }).join()).toContain("SHARD_COUNT");
    expect(problemsOf({ SHARD_COUNT: "2", SHARD_IDS: "a" }).join()).toContain("SHARD_IDS");
  });

  it("gives discord.js those shards, or asks Discord for its recommendation when unset", async () => {
    const split = createDiscordClient(loadConfig({ SHARD_COUNT: "4", SHARD_IDS: "0,1" }).discord);
    expect(split.options.shards).toEqual([0, 1]);
    expect(split.options.shardCount).toBe(4);
    const auto = createDiscordClient(loadConfig({}).discord);
    expect(auto.options.shards).toBe("auto");
    await split.destroy();
    await auto.destroy();
  });
});

describe("health report", () => {
  const now = new Date("2026-03-02T10:00:00Z");
  it("is ok with a connected gateway, a reachable store and a recent tick, and names each problem otherwise", async () => {
    const ok = await checkHealth({ gatewayReady: () => true, pingStore: async () => {}, lastSchedulerTick: () => new Date("2026-03-02T09:59:00Z") }, now);
    expect(ok).toEqual({ status: "ok", gatewayReady: true, storeReachable: true, lastSchedulerTick: "2026-03-02T09:59:00.000Z", problems: [] });
    const bad = await checkHealth(
      {
        gatewayReady: () => false,
        pingStore: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")),
        lastSchedulerTick: () => new Date("2026-03-02T09:00:00Z"),
      },
      now,
    );
    expect(bad.status).toBe("unavailable");
    expect(bad.problems).toEqual([
      "the Discord gateway is not connected",
      "the database is unreachable (connect ECONNREFUSED 127.0.0.1:5432)",
      "the digest scheduler has not run since 2026-03-02T09:00:00.000Z",
    ]);
  });
});
