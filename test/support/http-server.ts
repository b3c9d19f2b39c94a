/**
 * A small local HTTP server for tests: article pages, feeds, redirects, slow or huge bodies.
 *
 *   const server = await startTestServer({
 *     "/article": { headers: { "content-type": "text/html; charset=utf-8" }, body: "<p>Hallo</p>" },
 *     "/moved": { status: 301, headers: { location: "/article" } },
 *     "/slow": async (req, res, ctx) => { res.write("a"); await ctx.closed; },
 *   });
 *   await fetcher.fetch(`${server.url}/article`);
 *   expect(server.hits("/article")).toBe(1);
 *   await server.close();
 *
 * - Binds 127.0.0.1 on an ephemeral port by default (`{ host: "127.0.0.2" }` for a second
 *   loopback address: Linux routes all of 127.0.0.0/8 without setup).
 * - Routes match the path without the query string; unknown paths answer 404 text/plain.
 *   A route is either static data (`RouteSpec`) or a handler that gets the raw Node request and
 *   response plus `ctx.closed`, a promise settled when the client connection goes away (use it
 *   to stop streaming, and to assert that a client dropped a connection).
 * - Records every connection and request: `connections`, `requests`, `hits(path)`.
 * - `close()` drops open connections, so handlers that never answer don't hang the test.
 * - `route(path, route)` adds or replaces a route after start, e.g. one that needs `server.url`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RouteSpec {
  status?: number;
  headers?: Record<string, string | number | string[]>;
  body?: string | Uint8Array;
}

export interface RouteContext {
  /** Parsed request URL (against the server's own origin). */
  url: URL;
  server: TestServer;
  /** Settles when the response is finished or the connection closed, whichever comes first. */
  closed: Promise<void>;
  /** True once the client went away before the response finished. */
  readonly clientAborted: boolean;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => void | Promise<void>;

export type Route = RouteSpec | RouteHandler;

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string, as sent. */
  target: string;
  headers: IncomingMessage["headers"];
  /** Sequence number of the TCP connection that carried it (1-based). */
  connection: number;
}

export interface TestServer {
  /** Origin, e.g. "http://127.0.0.1:43121" (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Number of requests received for a path (query string ignored). */
  hits(path: string): number;
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

export interface TestServerOptions {
  host?: string;
}

export async function startTestServer(
  routes: Record<string, Route> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const host = options.host ?? "127.0.0.1";
  const table = new Map<string, Route>(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin());
    requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      target: req.url ?? "/",
      headers: req.headers,
      connection: connectionIds.get(req.socket) ?? 0,
    });
    let clientAborted = false;
    const closed = new Promise<void>((resolve) => {
      res.once("close", () => {
        clientAborted = !res.writableFinished;
        resolve();
      });
    });
    const ctx: RouteContext = {
      url,
      server: api,
      closed,
      get clientAborted() {
        return clientAborted;
      },
    };
    const route = table.get(url.pathname);
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (typeof route === "function") {
      Promise.resolve(route(req, res, ctx)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      });
      return;
    }
    res.writeHead(route.status ?? 200, route.headers ?? {});
    res.end(route.body ?? "");
  });
  server.on("connection", (socket: Socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  function origin(): string {
    return `http://${urlHost}:${port}`;
  }

  const api: TestServer = {
    url: origin(),
    host,
    port,
    get connections() {
      return connections;
    },
    requests,
    hits: (path) => requests.filter((r) => r.path === path).length,
    route: (path, route) => {
      table.set(path, route);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return api;
}
