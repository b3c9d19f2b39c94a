import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.ts";
import { checkHealth, type HealthProbe } from "./health.ts";

export interface OpsServerOptions {
  port: number;
  /** Default loopback; another address exposes health and metrics to that network. */
  host: string;
  health: HealthProbe;
  /** The Prometheus text exposition. */
  metrics(): Promise<string>;
  log: Logger;
}

export interface OpsServer {
  /** The bound address (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** GET /healthz (200 or 503, JSON) and GET /metrics (Prometheus text) for supervisors and scrapers. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { log } = options;
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/healthz" && path !== "/metrics") return send(res, 404, "text/plain; charset=utf-8", "not found: try /healthz or /metrics\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    if (path === "/healthz") {
      const report = await checkHealth(options.health);
      return send(res, report.status === "ok" ? 200 : 503, "application/json", `${JSON.stringify(report)}\n`);
    }
    send(res, 200, PROMETHEUS_CONTENT_TYPE, await options.metrics());
  }
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      log.error({ err, path: req.url }, "ops endpoint failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url }, "health and metrics listening");
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
