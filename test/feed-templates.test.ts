import { describe, expect, it } from "vitest";
import {
  DEFAULT_FEED_TEMPLATES,
  expandFeedTemplates,
  validateFeedTemplate,
} from "../src/adapters/news/feed-templates.ts";
import { UserFacingError } from "../src/core/errors.ts";
import type { SymbolEntry } from "../src/core/ports.ts";

const apple: SymbolEntry = {
  symbol: "AAPL",
  name: "Apple Inc.",
  exchange: "NMS",
  country: "US",
  currency: "USD",
  cik: "0000320193",
  aliases: [],
};

const alibabaHk: SymbolEntry = {
  symbol: "9988.HK",
  name: "Alibaba Group Holding Ltd",
  exchange: "HKG",
  country: "CN",
  currency: "HKD",
  aliases: [],
};

describe("expandFeedTemplates", () => {
  it("gives a US issuer its Yahoo headlines and SEC filings feeds", () => {
    expect(expandFeedTemplates(DEFAULT_FEED_TEMPLATES, apple)).toEqual([
      "https://feeds.finance.yahoo.com/rss/2.0/headline?s=AAPL&region=US&lang=en-US",
      "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000320193&type=&dateb=&owner=include&count=40&output=atom",
    ]);
  });

  it("skips a template whose placeholder the entry cannot fill (no CIK outside the US)", () => {
    expect(expandFeedTemplates(DEFAULT_FEED_TEMPLATES, alibabaHk)).toEqual([
      "https://feeds.finance.yahoo.com/rss/2.0/headline?s=9988.HK&region=US&lang=en-US",
    ]);
    expect(expandFeedTemplates(DEFAULT_FEED_TEMPLATES, { ...apple, cik: "  " })).toHaveLength(1);
  });

  it("URL-encodes the values and fills every occurrence", () => {
    const entry: SymbolEntry = { ...alibabaHk, symbol: "^GDAXI", name: "DAX Performance-Index & Co/KG" };
    expect(expandFeedTemplates(["https://news.example.com/search?q={name}&s={symbol}&again={symbol}"], entry)).toEqual([
      "https://news.example.com/search?q=DAX%20Performance-Index%20%26%20Co%2FKG&s=%5EGDAXI&again=%5EGDAXI",
    ]);
  });

  it("drops duplicate URLs", () => {
    expect(expandFeedTemplates(["https://a.example/{symbol}", "https://a.example/{symbol}"], apple)).toEqual([
      "https://a.example/AAPL",
    ]);
  });

  it("rejects unknown placeholders and non-http templates", () => {
    expect(() => expandFeedTemplates(["https://a.example/{ticker}"], apple)).toThrow(UserFacingError);
    expect(() => validateFeedTemplate("https://a.example/{ticker}")).toThrow(/only \{symbol\}, \{name\} and \{cik\}/);
    expect(() => validateFeedTemplate("ftp://a.example/{symbol}")).toThrow(/http:\/\/ or https:\/\//);
    expect(() => validateFeedTemplate("not a url {symbol}")).toThrow(/not a valid URL/);
    for (const template of DEFAULT_FEED_TEMPLATES) expect(() => validateFeedTemplate(template)).not.toThrow();
  });
});
