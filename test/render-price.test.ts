/** Price lines and the /quote embed: pure renderers, dated by the test's clock. */
import { describe, expect, it } from "vitest";
import type { Quote } from "../src/core/market.ts";
import { priceLine, renderQuoteEmbed } from "../src/discord/render-quote.ts";

// Friday 6 March 2026, New York session 14:30–21:00 UTC.
const SESSION = { start: Date.UTC(2026, 2, 6, 14, 30), end: Date.UTC(2026, 2, 6, 21, 0) };
const quote: Quote = {
  symbol: "BABA", name: "Alibaba", price: 125.79, previousClose: 130.1, change: 125.79 - 130.1, changePct: ((125.79 - 130.1) / 130.1) * 100,
  currency: "USD", exchange: "NYSE", exchangeTimeZone: "America/New_York", dayRange: { low: 124.95, high: 127.7 },
  marketTime: new Date(SESSION.end).toISOString(), marketState: "closed", regularSession: SESSION, tradedToday: true,
  range: "1d", interval: "5m", chartPreviousClose: 130.1, bars: [], fetchedAt: new Date(SESSION.end).toISOString(),
};

describe("priceLine", () => {
  it("opens with the price and the day change on a trading day", () => {
    expect(priceLine({ quote: { ...quote, marketState: "open" } }, SESSION.start + 60_000)).toBe("🔽 **125.79 USD** -4.31 (-3.31 %) · Market open");
    expect(priceLine({ quote }, SESSION.start + 60_000, "de")).toBe("🔽 **125,79 USD** -4,31 (-3,31 %) · Börse geschlossen");
  });

  it("says the exchange was closed on a weekend and dates the last move", () => {
    const saturday = Date.UTC(2026, 2, 7, 15, 0);
    expect(priceLine({ quote: { ...quote, tradedToday: false } }, saturday)).toBe("💤 **125.79 USD** -4.31 (-3.31 %) on Fri 6 Mar · Market closed today");
  });

  it("says prices are unavailable or unknown", () => {
    expect(priceLine({ unavailable: "unavailable", message: "Prices unavailable: the market-data source is not answering right now." }, 0)).toBe(
      "⚠️ Prices unavailable: the market-data source is not answering right now.",
    );
  });
});

describe("renderQuoteEmbed", () => {
  it("shows last price, change, previous close, day range, exchange and state, with the chart attachment", () => {
    const embed = renderQuoteEmbed(quote, { now: SESSION.end + 60_000, withChart: true });
    expect(embed.image).toEqual({ url: "attachment://chart.png" });
    expect(embed.fields?.map((f) => [f.name, f.value])).toEqual([
      ["Last price", "125.79 USD"],
      ["Change", "-4.31 (-3.31 %)"],
      ["Previous close", "130.10"],
      ["Day range", "124.95 – 127.70"],
      ["Exchange", "NYSE (America/New\\_York)"],
      ["Market", "Market closed"],
    ]);
    expect(renderQuoteEmbed(quote, { now: 0, withChart: false }).image).toBeUndefined();
  });
});
