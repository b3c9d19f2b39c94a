// Every server here listens on 127.0.0.0/8; addresses elsewhere are covered as pure functions
// in address-policy.test.ts.
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { detectCharset, decodeBody } from "../src/adapters/fetch/charset.ts";
import { createPageFetcher, type PageFetcherOptions } from "../src/adapters/fetch/guarded-fetcher.ts";
import { canonicalizeUrl, parseUserUrl } from "../src/adapters/fetch/url.ts";
import { UserFacingError, type UserFacingCode } from "../src/core/errors.ts";
import type { PageFetcher } from "../src/core/ports.ts";
import { type RouteContext, type TestServer, startTestServer } from "./support/http-server.ts";

const BASE: Omit<PageFetcherOptions, "allowPrivate"> = {
  timeoutMs: 5_000,
  connectTimeoutMs: 2_000,
  maxBytes: 1_000_000,
  userAgent: "marketbrief-test/1.0 (+https://example.invalid)",
};

function fetcherFor(allowPrivate: string[], extra: Partial<PageFetcherOptions> = {}): PageFetcher {
  return createPageFetcher({ ...BASE, allowPrivate, ...extra });
}

async function failure(promise: Promise<unknown>, code: UserFacingCode): Promise<UserFacingError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected the fetch to fail").toBeInstanceOf(UserFacingError);
  const error = caught as UserFacingError;
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  return error;
}

/** windows-1252 bytes for the few non-Latin-1 characters the tests use. */
function cp1252(text: string): Buffer {
  const special: Record<string, number> = { "€": 0x80, "„": 0x84, "–": 0x96, "“": 0x93 };
  return Buffer.from([...text].map((ch) => special[ch] ?? ch.charCodeAt(0)));
}

/** Bounded wait, so a broken expectation fails instead of hanging the file. */
function within<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`still pending after ${ms} ms`);
    }),
  ]);
}

const servers: TestServer[] = [];
async function serve(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const server = await startTestServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const GERMAN = "Börse: Die Aktie steigt um 5 € – „Übernahme“ der Großbank in Köln";

describe("fetching a page", () => {
  it("returns the decoded page with its final URL and sends real browser-like headers", async () => {
    const server = await serve({
      "/article": {
        headers: { "content-type": "text/html; charset=utf-8", etag: '"v1"' },
        body: `<html><body><p>${GERMAN}</p></body></html>`,
      },
    });
    const page = await fetcherFor(["127.0.0.1"]).fetch(`${server.url}/article?id=7#top`);
    expect(page).toMatchObject({
      requestedUrl: `${server.url}/article?id=7#top`,
      url: `${server.url}/article?id=7#top`,
      status: 200,
      contentType: "text/html",
      charset: "utf-8",
    });
    expect(page.body).toContain(GERMAN);
    expect(page.headers.etag).toBe('"v1"');
    const sent = server.requests[0]!;
    expect(sent.target).toBe("/article?id=7");
    expect(sent.headers["user-agent"]).toBe(BASE.userAgent);
    expect(sent.headers.accept).toMatch(/^text\/html, application\/xhtml\+xml/);
    expect(sent.headers["accept-language"]).toMatch(/^en/);
    expect(sent.headers["accept-encoding"]).toBe("gzip, deflate, br");
  });

  it("passes caller headers through and returns 304 for conditional GETs when allowed", async () => {
    const server = await serve({
      "/feed": (req, res) => {
        if (req.headers["if-none-match"] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
        else res.writeHead(200, { "content-type": "application/rss+xml" }).end("<rss/>");
      },
    });
    const fetcher = fetcherFor(["127.0.0.1"]);
    const feedTypes = ["application/rss+xml", "application/xml"];
    const page = await fetcher.fetch(`${server.url}/feed`, {
      accept: feedTypes,
      headers: { "if-none-match": '"v1"' },
      allowNotModified: true,
    });
    expect(page).toMatchObject({ status: 304, body: "" });
    expect(page.headers.etag).toBe('"v1"');

    const error = await failure(
      fetcher.fetch(`${server.url}/feed`, { accept: feedTypes, headers: { "if-none-match": '"v1"' } }),
      "http_status",
    );
    expect(error.message).toBe("The page answered HTTP 304 (Not Modified).");
  });

  it("decompresses gzip, deflate and brotli bodies", async () => {
    const html = `<p>${GERMAN}</p>`;
    const server = await serve({
      "/gzip": { headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" }, body: zlib.gzipSync(html) },
      "/deflate": { headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "deflate" }, body: zlib.deflateSync(html) },
      "/br": { headers: { "content-type": "text/html; charset=utf-8", "content-encoding": "br" }, body: zlib.brotliCompressSync(html) },
    });
    const fetcher = fetcherFor(["127.0.0.1"]);
    for (const path of ["/gzip", "/deflate", "/br"]) {
      expect((await fetcher.fetch(`${server.url}${path}`)).body).toBe(html);
    }
  });

  it("rejects an unknown content encoding", async () => {
    const server = await serve({ "/x": { headers: { "content-type": "text/html", "content-encoding": "compress" }, body: "x" } });
    await failure(fetcherFor(["127.0.0.1"]).fetch(`${server.url}/x`), "unsupported_content");
  });
});

describe("charsets", () => {
  it("decodes windows-1252 bytes labelled ISO-8859-1 in the header (umlauts and 0x80 as €)", async () => {
    const server = await serve({
      "/latin": { headers: { "content-type": "text/html; charset=ISO-8859-1" }, body: cp1252(`<p>${GERMAN}</p>`) },
    });
    const page = await fetcherFor(["127.0.0.1"]).fetch(`${server.url}/latin`);
    expect(page.charset).toBe("windows-1252");
    expect(page.body).toBe(`<p>${GERMAN}</p>`);
  });

  it("finds the charset in <meta charset> and <meta http-equiv> when the header has none", async () => {
    const server = await serve({
      "/meta": {
        headers: { "content-type": "text/html" },
        body: Buffer.concat([cp1252(`<!doctype html><html><head><meta charset="windows-1252"><title>x</title></head><body>`), cp1252(GERMAN)]),
      },
      "/equiv": {
        headers: { "content-type": "text/html" },
        body: cp1252(
          `<html><head><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-15"></head><body>Börse</body></html>`,
        ),
      },
    });
    const fetcher = fetcherFor(["127.0.0.1"]);
    const meta = await fetcher.fetch(`${server.url}/meta`);
    expect(meta.charset).toBe("windows-1252");
    expect(meta.body).toContain(GERMAN);
    const equiv = await fetcher.fetch(`${server.url}/equiv`);
    expect(equiv.charset).toBe("iso-8859-15");
    expect(equiv.body).toContain("Börse");
  });

  it("defaults to UTF-8, and the header wins over <meta>", async () => {
    const server = await serve({
      "/plain": { headers: { "content-type": "text/html" }, body: `<p>${GERMAN}</p>` },
      "/conflict": {
        headers: { "content-type": "text/html; charset=utf-8" },
        body: `<meta charset="iso-8859-1"><p>${GERMAN}</p>`,
      },
    });
    const fetcher = fetcherFor(["127.0.0.1"]);
    expect(await fetcher.fetch(`${server.url}/plain`)).toMatchObject({ charset: "utf-8", body: `<p>${GERMAN}</p>` });
    expect((await fetcher.fetch(`${server.url}/conflict`)).body).toContain(GERMAN);
  });

  it("reads the XML declaration of a feed", async () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>${GERMAN}</title></channel></rss>`;
    const server = await serve({ "/feed.xml": { headers: { "content-type": "application/rss+xml" }, body: cp1252(xml) } });
    const page = await fetcherFor(["127.0.0.1"]).fetch(`${server.url}/feed.xml`, { accept: ["application/rss+xml"] });
    expect(page.charset).toBe("windows-1252");
    expect(page.body).toBe(xml);
  });

  it("orders the sources BOM, header, meta/XML declaration, default (pure)", () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("Köln")]);
    expect(decodeBody(bom, "text/html; charset=iso-8859-1")).toEqual({ encoding: "utf-8", source: "bom", text: "Köln" });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Köln", "utf16le")]);
    expect(decodeBody(utf16, "text/html").text).toBe("Köln");
    expect(detectCharset(Buffer.from('<meta charset="utf-8">'), 'text/html; charset="windows-1252"').source).toBe("header");
    expect(detectCharset(Buffer.from('<meta charset="latin1">'), "text/html; charset=bogus")).toEqual({ encoding: "windows-1252", source: "meta" });
    expect(detectCharset(Buffer.from('<!-- <meta charset="koi8-r"> --><p>'), "text/html").source).toBe("default");
    expect(detectCharset(Buffer.from('<meta charset="utf-16">'), "text/html").encoding).toBe("utf-8");
    expect(detectCharset(Buffer.from('<?xml version="1.0" encoding="windows-1252"?><meta charset="utf-8">'), "text/xml")).toEqual({ encoding: "windows-1252", source: "xml" });
    expect(detectCharset(Buffer.from('<meta charset="iso-8859-1">'), "text/plain").source).toBe("default");
    const late = Buffer.concat([Buffer.alloc(5_000, 0x20), Buffer.from('<meta charset="iso-8859-1">')]);
    expect(detectCharset(late, "text/html").source).toBe("default");
  });
});

function chain(server: TestServer, hops: number): void {
  for (let i = 0; i < hops; i++) {
    const status = [301, 302, 303, 307, 308][i % 5]!;
    server.route(`/hop${i}`, { status, headers: { location: `/hop${i + 1}` } });
  }
  server.route(`/hop${hops}`, { headers: { "content-type": "text/html" }, body: "end" });
}

function streamSlowly(total: number, record: { sent: number; ctx?: RouteContext }) {
  return async (_req: unknown, res: ServerResponse, ctx: RouteContext) => {
    record.ctx = ctx;
    res.writeHead(200, { "content-type": "text/html" });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const connection = { open: true };
    void ctx.closed.then(() => {
      connection.open = false;
    });
    while (connection.open && record.sent < total) {
      const ok = res.write(chunk);
      record.sent += chunk.length;
      if (!ok) await Promise.race([once(res, "drain"), ctx.closed]);
      await sleep(2);
    }
    res.end();
  };
}

describe("redirects", () => {
  it("follows relative and absolute Location headers and reports the final URL", async () => {
    const server = await serve({
      "/news/old": { status: 301, headers: { location: "../moved?x=1" } },
      "/moved": (_req, res, ctx) => {
        res.writeHead(303, { location: `${ctx.server.url}/final` }).end();
      },
      "/final": { headers: { "content-type": "text/html" }, body: "<p>final</p>" },
    });
    const page = await fetcherFor(["127.0.0.1"]).fetch(`${server.url}/news/old`);
    expect(page).toMatchObject({ requestedUrl: `${server.url}/news/old`, url: `${server.url}/final`, body: "<p>final</p>" });
    expect(server.requests.map((r) => r.target)).toEqual(["/news/old", "/moved?x=1", "/final"]);
  });

  it("follows 5 redirects but refuses the 6th", async () => {
    const five = await serve();
    chain(five, 5);
    expect((await fetcherFor(["127.0.0.1"]).fetch(`${five.url}/hop0`)).body).toBe("end");

    const six = await serve();
    chain(six, 6);
    const error = await failure(fetcherFor(["127.0.0.1"]).fetch(`${six.url}/hop0`), "too_many_redirects");
    expect(error.message).toContain("more than 5 times");
    expect(six.hits("/hop6")).toBe(0);
  });

  it("honours a smaller maxRedirects", async () => {
    const server = await serve();
    chain(server, 2);
    await failure(fetcherFor(["127.0.0.1"], { maxRedirects: 1 }).fetch(`${server.url}/hop0`), "too_many_redirects");
  });

  it("re-validates the scheme and credentials of every hop", async () => {
    const server = await serve({
      "/ftp": { status: 302, headers: { location: "ftp://127.0.0.1/file" } },
      "/creds": (_req, res, ctx) => {
        res.writeHead(302, { location: ctx.server.url.replace("http://", "http://user:pw@") + "/x" }).end();
      },
    });
    const fetcher = fetcherFor(["127.0.0.1"]);
    expect((await failure(fetcher.fetch(`${server.url}/ftp`), "invalid_url")).message).toContain("ftp:");
    await failure(fetcher.fetch(`${server.url}/creds`), "invalid_url");
    expect(server.hits("/x")).toBe(0);
  });

  it("refuses a redirect to a loopback address outside the allow list without connecting to it", async () => {
    const other = await serve({ "/": { headers: { "content-type": "text/html" }, body: "internal" } }, { host: "127.0.0.2" });
    const first = await serve({ "/go": { status: 302, headers: { location: `${other.url}/` } } });

    const error = await failure(fetcherFor(["127.0.0.1"]).fetch(`${first.url}/go`), "blocked_address");
    expect(error.message).toBe(
      `The page redirected to 127.0.0.2:${other.port}, which points to a loopback address. marketbrief only fetches public web addresses.`,
    );
    expect(other.connections).toBe(0);

    // Control: the same redirect works once 127.0.0.2 is allowed too.
    const page = await fetcherFor(["127.0.0.1", "127.0.0.2"]).fetch(`${first.url}/go`);
    expect(page.body).toBe("internal");
    expect(other.connections).toBe(1);
  });
});

describe("refusing local addresses", () => {
  it("refuses loopback in every spelling, with no connection made", async () => {
    const target = await serve({ "/": { headers: { "content-type": "text/html" }, body: "secret" } });
    const port = target.port;
    const fetcher = fetcherFor([]);
    const spellings = [
      `http://localhost:${port}/`,
      `http://127.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://127.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f000001:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://0:${port}/`,
      `https://127.0.0.1:${port}/`,
    ];
    for (const url of spellings) {
      const error = await failure(fetcher.fetch(url), "blocked_address");
      expect(error.message).toMatch(/^That link \(.+\) points to an? .+ address.* marketbrief only fetches public web addresses\.$/);
    }
    expect(target.connections).toBe(0);
  });

  it("refuses redirects from an allowed server to loopback, with no connection made", async () => {
    const target = await serve({ "/": { headers: { "content-type": "text/html" }, body: "secret" } });
    const redirector = await serve({}, { host: "127.0.0.2" });
    const targets = [
      `http://127.0.0.1:${target.port}/`,
      `http://localhost:${target.port}/`,
      `http://[::1]:${target.port}/`,
      `http://2130706433:${target.port}/`,
      `http://[::ffff:127.0.0.1]:${target.port}/`,
    ];
    targets.forEach((location, i) => redirector.route(`/r${i}`, { status: 307, headers: { location } }));
    const fetcher = fetcherFor(["127.0.0.2"]);
    for (const [i] of targets.entries()) {
      const error = await failure(fetcher.fetch(`${redirector.url}/r${i}`), "blocked_address");
      expect(error.message).toMatch(/^The page redirected to .+, which points to a/);
    }
    expect(redirector.hits("/r0")).toBe(1);
    expect(target.connections).toBe(0);
  });
});

describe("limits", () => {
  it("aborts a 10 MB body mid-stream at maxBytes and drops the connection", async () => {
    const record: { sent: number; ctx?: RouteContext } = { sent: 0 };
    const server = await serve({ "/huge": streamSlowly(10_000_000, record) });
    const error = await failure(fetcherFor(["127.0.0.1"]).fetch(`${server.url}/huge`), "too_large");
    expect(error.message).toContain("larger than 1 MB");
    await within(record.ctx!.closed);
    expect(record.ctx!.clientAborted).toBe(true);
    expect(record.sent).toBeLessThan(10_000_000);
  });

  it("refuses a declared Content-Length over the cap before reading the body", async () => {
    let ctx: RouteContext | undefined;
    const server = await serve({
      "/big": (_req, res, c) => {
        ctx = c;
        res.writeHead(200, { "content-type": "text/html", "content-length": 2_000_000 });
        res.write("<p>");
      },
    });
    await failure(fetcherFor(["127.0.0.1"]).fetch(`${server.url}/big`), "too_large");
    await within(ctx!.closed);
    expect(ctx!.clientAborted).toBe(true);
  });

  it("counts the decompressed size against the cap (gzip bomb)", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20_000_000));
    expect(bomb.length).toBeLessThan(BASE.maxBytes);
    const server = await serve({ "/bomb": { headers: { "content-type": "text/html", "content-encoding": "gzip" }, body: bomb } });
    await failure(fetcherFor(["127.0.0.1"]).fetch(`${server.url}/bomb`), "too_large");
  });

  it("times out on a server that never answers", async () => {
    const server = await serve({ "/hang": () => {} });
    const error = await failure(fetcherFor(["127.0.0.1"], { timeoutMs: 300 }).fetch(`${server.url}/hang`), "timeout");
    expect(error.message).toContain("0.3 s");
  });

  it("times out on a body that trickles forever", async () => {
    let ctx: RouteContext | undefined;
    const server = await serve({
      "/trickle": async (_req, res, c) => {
        ctx = c;
        res.writeHead(200, { "content-type": "text/html" });
        const connection = { open: true };
        void c.closed.then(() => {
          connection.open = false;
        });
        while (connection.open) {
          res.write("a");
          await sleep(20);
        }
      },
    });
    await failure(fetcherFor(["127.0.0.1"], { timeoutMs: 300 }).fetch(`${server.url}/trickle`), "timeout");
    await within(ctx!.closed);
    expect(ctx!.clientAborted).toBe(true);
  });

  it("applies the connect timeout to a TLS handshake that never completes", async () => {
    // A TCP server that accepts and stays silent: TCP connects, TLS never finishes.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const fetcher = fetcherFor(["127.0.0.1"], { connectTimeoutMs: 200, timeoutMs: 10_000 });
      const error = await failure(fetcher.fetch(`https://127.0.0.1:${port}/`), "timeout");
      expect(error.message).toBe(`Could not connect to 127.0.0.1:${port} within 0.2 s; try again later.`);
      expect(sockets.size).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("reports a failed TLS handshake as unreachable", async () => {
    const server = await serve({ "/": { headers: { "content-type": "text/html" }, body: "plain http" } });
    const error = await failure(fetcherFor(["127.0.0.1"]).fetch(`https://127.0.0.1:${server.port}/`), "unreachable");
    expect(error.message).toContain("secure connection");
  });

  it("rejects with the caller's reason when the caller aborts", async () => {
    const server = await serve({ "/hang": () => {} });
    const controller = new AbortController();
    const pending = fetcherFor(["127.0.0.1"]).fetch(`${server.url}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("shutting down")), 50);
    await expect(pending).rejects.toThrow("shutting down");
  });
});

describe("answers that are not a page", () => {
  it("refuses content types outside the allowlist", async () => {
    const server = await serve({
      "/report.pdf": { headers: { "content-type": "application/pdf" }, body: "%PDF-1.7" },
      "/page": { headers: { "content-type": "text/html; charset=utf-8" }, body: "<p>x</p>" },
      "/text": { headers: { "content-type": "text/plain; charset=utf-8" }, body: "Kurs +5 %" },
      "/none": { body: "<!doctype html><p>x</p>" },
      "/binary": { body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]) },
    });
    const fetcher = fetcherFor(["127.0.0.1"]);
    const pdf = await failure(fetcher.fetch(`${server.url}/report.pdf`), "unsupported_content");
    expect(pdf.message).toBe("That link is a PDF (application/pdf), not a web page.");
    expect((await fetcher.fetch(`${server.url}/text`)).body).toBe("Kurs +5 %");
    expect((await fetcher.fetch(`${server.url}/none`)).contentType).toBe("text/html");
    await failure(fetcher.fetch(`${server.url}/binary`), "unsupported_content");
    const feed = await failure(fetcher.fetch(`${server.url}/page`, { accept: ["application/rss+xml"] }), "unsupported_content");
    expect(feed.message).toBe("That link is a web page (text/html), not a feed.");
  });

  it("maps HTTP errors to clear messages", async () => {
    const server = await serve({
      "/gone": { status: 404, headers: { "content-type": "text/html" }, body: "nope" },
      "/broken": { status: 500, body: "oops" },
      "/busy": { status: 429, headers: { "retry-after": "30" } },
      "/nowhere": { status: 302 },
    });
    const fetcher = fetcherFor(["127.0.0.1"]);
    expect((await failure(fetcher.fetch(`${server.url}/gone`), "http_status")).message).toBe(
      "The page answered HTTP 404 (Not Found).",
    );
    expect((await failure(fetcher.fetch(`${server.url}/broken`), "http_status")).message).toBe(
      "The page answered HTTP 500 (Internal Server Error).",
    );
    expect((await failure(fetcher.fetch(`${server.url}/busy`), "rate_limited")).message).toContain("in 30 s");
    await failure(fetcher.fetch(`${server.url}/nowhere`), "http_status");
  });

  it("reports a refused connection as unreachable", async () => {
    const server = await startTestServer();
    const url = `${server.url}/`;
    await server.close();
    const error = await failure(fetcherFor(["127.0.0.1"]).fetch(url), "unreachable");
    expect(error.message).toContain("refused the connection");
  });

  it("reports a connection closed mid-body as unreachable", async () => {
    const server = await serve({
      "/cut": (_req, res) => {
        res.writeHead(200, { "content-type": "text/html", "content-length": 1000 });
        res.write("<p>half", () => res.destroy());
      },
    });
    await failure(fetcherFor(["127.0.0.1"]).fetch(`${server.url}/cut`), "unreachable");
  });

  it("refuses invalid links before any connection", async () => {
    const server = await serve();
    const fetcher = fetcherFor(["127.0.0.1"]);
    const ftp = await failure(fetcher.fetch(`ftp://127.0.0.1:${server.port}/file`), "invalid_url");
    expect(ftp.message).toBe("That link uses ftp:, but only http:// and https:// links can be fetched.");
    await failure(fetcher.fetch("javascript:alert(1)"), "invalid_url");
    await failure(fetcher.fetch(`file:///etc/passwd`), "invalid_url");
    await failure(fetcher.fetch(`http://user:secret@127.0.0.1:${server.port}/`), "invalid_url");
    await failure(fetcher.fetch("not a link"), "invalid_url");
    await failure(fetcher.fetch(""), "invalid_url");
    expect(server.connections).toBe(0);
  });
});

describe("URL parsing and canonical form", () => {
  it("accepts Discord's <link> form and a bare host, refuses other schemes", () => {
    expect(parseUserUrl("  <https://www.boerse.de/nachrichten/x>  ").href).toBe("https://www.boerse.de/nachrichten/x");
    expect(parseUserUrl("www.boerse.de/x?y=1").href).toBe("https://www.boerse.de/x?y=1");
    expect(parseUserUrl("HTTP://Example.COM:80/a").href).toBe("http://example.com/a");
    expect(parseUserUrl("https://example.com:8443/a").port).toBe("8443");
    expect(() => parseUserUrl("mailto:a@example.com")).toThrow(UserFacingError);
    expect(() => parseUserUrl("localhost:8080")).toThrow(/localhost:/);
    expect(() => parseUserUrl(`https://example.com/${"a".repeat(2100)}`)).toThrow(/longer than/);
  });

  it("strips fragments and tracking parameters, keeping the rest exactly", () => {
    expect(
      canonicalizeUrl(
        "https://www.example.de/artikel?id=42&utm_source=x&UTM_Medium=y&fbclid=abc&gclid=1&mc_cid=2&mc_eid=3&ocid=4&.tsrc=rss&wt_mc=nl&q=a%20b+c#kommentare",
      ),
    ).toBe("https://www.example.de/artikel?id=42&q=a%20b+c");
    expect(canonicalizeUrl("https://example.com/a?utm_campaign=z#x")).toBe("https://example.com/a");
    expect(canonicalizeUrl("https://example.com/a?")).toBe("https://example.com/a");
    expect(canonicalizeUrl(new URL("https://EXAMPLE.com:443/a?b=1&&c=2"))).toBe("https://example.com/a?b=1&c=2");
    expect(canonicalizeUrl("https://example.com/a?reference=1&gclid_like=2")).toBe("https://example.com/a?reference=1&gclid_like=2");
  });
});
