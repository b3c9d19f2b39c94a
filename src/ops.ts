import { Status, type Client } from "discord.js";
import type { App } from "./app.ts";
import type { PrometheusMetrics } from "./adapters/metrics/prometheus.ts";
import { storePing } from "./http/health.ts";
import { startOpsServer, type OpsServer } from "./http/server.ts";

/** The gateway is usable: logged in and every shard of this process ready. */
export function gatewayReady(client: Client): boolean {
  return client.isReady() && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
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
