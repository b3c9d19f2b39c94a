/**
 * The bot's own wiring on top of the shared App: what its commands may use and its ops server.
 * Kept apart from app.ts so the CLI never loads discord.js.
 */
import type { App } from "./app.ts";
import { createLinkPolicy } from "./adapters/fetch/link-policy.ts";
import type { PrometheusMetrics } from "./adapters/metrics/prometheus.ts";
import type { CommandServices } from "./discord/command.ts";
import { createBriefLimits } from "./discord/limits.ts";
import { gatewayReady } from "./discord/client.ts";
import { storePing } from "./http/health.ts";
import { startOpsServer, type OpsServer } from "./http/server.ts";
import { deliverDigest } from "./jobs/delivery.ts";
import type { Client } from "discord.js";

/** What the bot's commands may use (each command declares the few it does use). */
export function commandServices(app: App): CommandServices {
  const { config, store } = app;
  return {
    store,
    symbols: app.symbols,
    summarizer: app.summarizer,
    digestBuilder: app.digestBuilder,
    links: createLinkPolicy(config.fetch.allowPrivate),
    limits: createBriefLimits(store, {
      cooldownS: config.discord.summarizeCooldownS,
      guildDailyBriefs: config.discord.guildDailyBriefs,
      digestPostCooldownS: config.digest.nowCooldownS,
    }),
    watchLimit: config.digest.watchLimit,
    ...(app.market ? { market: app.market } : {}),
    charts: app.charts,
    feedUrlsFor: app.feedUrlsFor,
    deliverDigest: (sender, owner, request) =>
      deliverDigest({ store, sender, log: app.logger, owner, policy: { leaseMs: config.digest.leaseS * 1000 } }, request),
    engine: app.llm ? { name: "llm", model: app.llm.model } : { name: "extractive" },
  };
}

/** /healthz and /metrics for the running bot (HTTP_PORT set); undefined when off. */
export async function startBotOpsServer(app: App, client: Client, metrics: PrometheusMetrics): Promise<OpsServer | undefined> {
  const http = app.config.http;
  if (http === undefined) return undefined;
  return startOpsServer({
    port: http.port,
    host: http.host,
    log: app.logger.child({ component: "http" }),
    metrics: () => metrics.render(),
    health: {
      gatewayReady: () => gatewayReady(client),
      pingStore: storePing(app.store),
      lastSchedulerTick: () => metrics.lastSchedulerTick,
    },
  });
}
