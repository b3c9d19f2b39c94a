import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Yahoo-Finance-compatible chart API on 127.0.0.1: `GET /v8/finance/chart/{symbol}?range&interval`
 * answers in the shape of the captured responses (../shared/fixtures/yahoo-finance2/chart-*.json:
 * `chart.result[0].meta` with regularMarketPrice, chartPreviousClose, currentTradingPeriod…,
 * `timestamp`, `indicators.quote[0]`), with the values each test sets. An unknown symbol gets
 * Yahoo's 404 ("No data found, symbol may be delisted"); faults (500, 429) can be injected.
 */

export interface ChartListing {
  price: number;
  previousClose: number;
  currency?: string;
  /** fullExchangeName */
  exchange?: string;
  exchangeName?: string;
  timeZone?: string;
  name?: string;
  /** Regular session [start, end) in epoch seconds; bars are spread over it. */
  session: { start: number; end: number };
  /** Epoch seconds of the last price (default: the last bar). */
  marketTime?: number;
  /** Closes of the bars (default: a path from previousClose to price). */
  closes?: number[];
  dayHigh?: number;
  dayLow?: number;
  /** Answer HTTP 200 with an empty result instead of data (what Yahoo's quote API does for delisted symbols). */
  emptyResult?: boolean;
}

export interface ChartRequest {
  symbol: string;
  range: string | null;
  interval: string | null;
  userAgent: string | undefined;
  accept: string | undefined;
  status: number;
}

export interface ChartServer {
  url: string;
  set(symbol: string, listing: ChartListing): void;
  /** The next `times` requests answer `status` (429 with Retry-After when given). */
  fail(status: number, times?: number, retryAfterSeconds?: number): void;
  readonly requests: ChartRequest[];
  close(): Promise<void>;
}

function barsOf(listing: ChartListing): { timestamp: number[]; close: number[] } {
  const closes = listing.closes ?? Array.from({ length: 24 }, (_, i) => listing.previousClose + ((listing.price - listing.previousClose) * (i + 1)) / 24);
  const step = Math.max(60, Math.floor((listing.session.end - listing.session.start) / Math.max(1, closes.length)));
  return { timestamp: closes.map((_, i) => listing.session.start + i * step), close: closes };
}

function chartBody(symbol: string, listing: ChartListing, range: string, interval: string): unknown {
  const { timestamp, close } = barsOf(listing);
  const timeZone = listing.timeZone ?? "America/New_York";
  const period = { timezone: "EST", start: listing.session.start, end: listing.session.end, gmtoffset: -18000 };
  const high = listing.dayHigh ?? Math.max(...close, listing.price);
  const low = listing.dayLow ?? Math.min(...close, listing.price);
  return {
    chart: {
      result: [
        {
          meta: {
            currency: listing.currency ?? "USD",
            symbol,
            exchangeName: listing.exchangeName ?? "NYQ",
            fullExchangeName: listing.exchange ?? "NYSE",
            instrumentType: "EQUITY",
            firstTradeDate: 1411133400,
            regularMarketTime: listing.marketTime ?? timestamp.at(-1),
            hasPrePostMarketData: true,
            gmtoffset: -18000,
            timezone: "EST",
            exchangeTimezoneName: timeZone,
            regularMarketPrice: listing.price,
            fiftyTwoWeekHigh: high * 1.3,
            fiftyTwoWeekLow: low * 0.7,
            regularMarketDayHigh: high,
            regularMarketDayLow: low,
            regularMarketVolume: 34859035,
            longName: listing.name ?? `${symbol} Holding Limited`,
            shortName: listing.name ?? symbol,
            chartPreviousClose: listing.previousClose,
            ...(range === "1d" ? { previousClose: listing.previousClose } : {}),
            scale: 3,
            priceHint: 2,
            currentTradingPeriod: {
              pre: { ...period, start: listing.session.start - 19800, end: listing.session.start },
              regular: period,
              post: { ...period, start: listing.session.end, end: listing.session.end + 14400 },
            },
            tradingPeriods: [[period]],
            dataGranularity: interval,
            range,
            validRanges: ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
          },
          timestamp,
          indicators: {
            quote: [{ low: close.map((c) => c - 0.1), volume: close.map(() => 1000), open: close, high: close.map((c) => c + 0.1), close }],
          },
        },
      ],
      error: null,
    },
  };
}

export async function startChartServer(): Promise<ChartServer> {
  const listings = new Map<string, ChartListing>();
  const faults: Array<{ status: number; remaining: number; retryAfter?: number }> = [];
  const requests: ChartRequest[] = [];

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://chart.local");
    const match = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    const symbol = match ? decodeURIComponent(match[1] ?? "").toUpperCase() : "";
    const range = url.searchParams.get("range");
    const interval = url.searchParams.get("interval");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ symbol, range, interval, userAgent: req.headers["user-agent"], accept: req.headers.accept, status });
      res.writeHead(status, { "content-type": "application/json;charset=utf-8", ...headers }).end(JSON.stringify(body));
    };
    const fault = faults.find((f) => f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
      send(fault.status, fault.status === 429 ? "Too Many Requests" : { chart: { result: null, error: { code: "Internal", description: "error" } } }, headers);
      return;
    }
    const listing = listings.get(symbol);
    if (!match || listing === undefined) {
      send(404, { chart: { result: null, error: { code: "Not Found", description: "No data found, symbol may be delisted" } } });
      return;
    }
    if (listing.emptyResult === true) {
      send(200, { chart: { result: [], error: null } });
      return;
    }
    send(200, chartBody(symbol, listing, range ?? "1d", interval ?? "5m"));
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set: (symbol, listing) => listings.set(symbol.toUpperCase(), listing),
    fail: (status, times = 1_000_000, retryAfterSeconds) =>
      faults.push({ status, remaining: times, ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}) }),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
