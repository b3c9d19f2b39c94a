import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseFeedItems } from "../src/adapters/news/feed-parser.ts";
import { canonicalizeUrl, urlIdentityKey } from "../src/core/canonical-url.ts";
import { clusterStories, newerThan, type TickerFeedItem } from "../src/core/cluster.ts";
import { stripOutletSuffix, titleSimilarity, titleTokens } from "../src/core/headline-words.ts";

const SHARED = fileURLToPath(new URL("../../shared/fixtures/", import.meta.url));
const hasShared = existsSync(SHARED);

function at(hours: number): string {
  return new Date(Date.UTC(2026, 1, 19, 12) + hours * 3_600_000).toISOString();
}

const reuters: TickerFeedItem = {
  title: "Alibaba shares jump after cloud revenue beats estimates - Reuters",
  url: "https://www.reuters.com/markets/asia/alibaba-cloud-2026-02-19/?utm_source=rss&utm_medium=feed",
  publishedAt: at(0),
  source: "Reuters",
  ticker: "BABA",
};
const bloomberg: TickerFeedItem = {
  title: "Alibaba Shares Jump After Cloud Revenue Beats Estimates | Bloomberg",
  url: "https://www.bloomberg.com/news/articles/2026-02-19/alibaba-cloud?cmpid=socialflow&fbclid=abc#comments",
  publishedAt: at(1.5),
  source: "Bloomberg",
  ticker: "9988.HK",
};
// The Reuters story again, reached through another feed with other tracking and spelling.
const reutersViaYahoo: TickerFeedItem = {
  title: "Alibaba shares jump after cloud revenue beats estimates",
  url: "http://reuters.com/markets/asia/alibaba-cloud-2026-02-19?.tsrc=rss&guccounter=1&ocid=x&gclid=y",
  publishedAt: at(2),
  source: "Yahoo! Finance: BABA News",
  ticker: "BABA",
};
const logistics: TickerFeedItem = {
  title: "Alibaba to spin off Cainiao logistics unit in Hong Kong listing",
  url: "https://www.reuters.com/markets/deals/alibaba-cainiao-2026-02-19/",
  publishedAt: at(3),
  source: "Reuters",
  ticker: "BABA",
};

function idOfThreeItemStory(items: TickerFeedItem[]): string | undefined {
  return clusterStories(items).find((cluster) => cluster.items.length === 3)?.id;
}

function sameTitle(hours: number, outlet: string): TickerFeedItem {
  return { title: "Xiaomi unveils its first electric SUV", url: `https://${outlet}.example/xiaomi-suv`, publishedAt: at(hours), source: outlet };
}

/** Distinct SEC filings that share a title, minutes apart. */
function filing(n: number): TickerFeedItem {
  return {
    title: "4 - Coinbase Global, Inc. (0001679788) (Issuer)",
    url: `https://www.sec.gov/Archives/edgar/data/1679788/00012091912102715${n}/index.htm`,
    publishedAt: at(n / 60),
    source: "SEC EDGAR",
  };
}

function read(path: string, encoding: "utf8" | "latin1"): string {
  return new TextDecoder(encoding).decode(readFileSync(`${SHARED}${path}`));
}

describe("clusterStories", () => {
  it("merges one story from two outlets and a tracking-param duplicate, crediting both outlets", () => {
    const clusters = clusterStories([bloomberg, logistics, reutersViaYahoo, reuters]);
    expect(clusters).toHaveLength(2);
    const story = clusters.find((cluster) => cluster.items.length === 3);
    expect(story).toBeDefined();
    expect(story).toMatchObject({
      title: "Alibaba shares jump after cloud revenue beats estimates",
      url: "https://www.reuters.com/markets/asia/alibaba-cloud-2026-02-19/",
      publishedAt: at(0),
      sources: [
        { outlet: "Reuters", url: "https://www.reuters.com/markets/asia/alibaba-cloud-2026-02-19/" },
        { outlet: "Bloomberg", url: "https://www.bloomberg.com/news/articles/2026-02-19/alibaba-cloud" },
      ],
      tickers: ["BABA", "9988.HK"],
    });
    expect(story?.items).toEqual([reuters, bloomberg, reutersViaYahoo]);
    const other = clusters.find((cluster) => cluster !== story);
    expect(other?.items).toEqual([logistics]);
  });

  it("gives a story the same id whatever the input order", () => {
    const id = idOfThreeItemStory([reuters, bloomberg, reutersViaYahoo, logistics]);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(idOfThreeItemStory([logistics, reutersViaYahoo, bloomberg, reuters])).toBe(id);
  });

  it("merges German headlines that differ in outlet suffix and a word", () => {
    const clusters = clusterStories([
      { title: "SAP hebt Prognose an – Aktie steigt | Handelsblatt", url: "https://www.handelsblatt.com/sap-prognose/123.html", publishedAt: at(0), source: "Handelsblatt" },
      { title: "SAP hebt die Prognose an, Aktie steigt deutlich", url: "https://www.boerse.de/nachrichten/sap/456", publishedAt: at(2), source: "boerse.de" },
    ]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.sources.map((source) => source.outlet)).toEqual(["Handelsblatt", "boerse.de"]);
    expect(clusters[0]?.title).toBe("SAP hebt Prognose an – Aktie steigt");
  });

  it("keeps different stories about the same company apart", () => {
    const clusters = clusterStories([
      { title: "Alibaba shares rise after earnings", url: "https://a.example/1", publishedAt: at(0), source: "A" },
      { title: "Alibaba shares fall after earnings miss", url: "https://b.example/1", publishedAt: at(1), source: "B" },
      { title: "Alibaba names new cloud chief", url: "https://c.example/1", publishedAt: at(2), source: "C" },
      { title: "Alibaba cloud chief steps down", url: "https://d.example/1", publishedAt: at(3), source: "D" },
    ]);
    expect(clusters).toHaveLength(4);
  });

  it("respects the time window, also against chaining", () => {
    expect(clusterStories([sameTitle(0, "a"), sameTitle(30, "b")])).toHaveLength(2);
    expect(clusterStories([sameTitle(0, "a"), sameTitle(30, "b")], { windowHours: 48 })).toHaveLength(1);
    // a~b and b~c are each 20 h apart, but a and c are 40 h apart: not one story.
    const chained = clusterStories([sameTitle(0, "a"), sameTitle(20, "b"), sameTitle(40, "c")]);
    expect(chained).toHaveLength(2);
    expect(chained.map((cluster) => cluster.items.length).toSorted()).toEqual([1, 2]);
  });

  it("lets the thresholds trade recall for precision", () => {
    const items: TickerFeedItem[] = [
      { title: "Tesla recalls 2 million vehicles", url: "https://a.example/t", publishedAt: at(0), source: "A" },
      { title: "Tesla recalls 2 million cars over Autopilot", url: "https://b.example/t", publishedAt: at(1), source: "B" },
    ];
    expect(clusterStories(items)).toHaveLength(1);
    // The titles are near-identical and state the same figure: each signal alone merges them.
    expect(clusterStories(items, { threshold: 0.9, eventThreshold: 0.99 })).toHaveLength(1);
    expect(clusterStories(items, { threshold: 0.9, eventThreshold: 0.99, figureThreshold: 0.99 })).toHaveLength(2);
  });

  it("never merges two links of one outlet by title (reused form titles)", () => {
    expect(clusterStories([filing(1), filing(2), filing(3)])).toHaveLength(3);
  });

  it("orders clusters newest first, undated last", () => {
    const clusters = clusterStories([
      { title: "Old news about BMW", url: "https://a.example/old", publishedAt: at(-5), source: "A" },
      { title: "Undated note on Siemens", url: "https://a.example/undated", source: "A" },
      { title: "Fresh news about Infineon", url: "https://a.example/new", publishedAt: at(5), source: "A" },
    ]);
    expect(clusters.map((cluster) => cluster.url)).toEqual([
      "https://a.example/new",
      "https://a.example/old",
      "https://a.example/undated",
    ]);
    expect(clusters[2]?.publishedAt).toBeUndefined();
  });

  it("returns nothing for nothing", () => {
    expect(clusterStories([])).toEqual([]);
  });
});

describe.skipIf(!hasShared)(`clusterStories on real feeds${hasShared ? "" : " (skipped: ../shared/fixtures is absent)"}`, () => {

  it("does not merge distinct filings or headlines, and folds a re-fetched feed onto itself", () => {
    const filings = parseFeedItems(read("sec-edgar/edgar-getcompany-AAPL-all-2021-04-18.atom.xml", "latin1"));
    const current = parseFeedItems(read("sec-edgar/edgar-getcurrent-2021-04-18.atom.xml", "latin1"));
    const tenK = parseFeedItems(read("sec-edgar/edgar-getcompany-AAPL-10-K-dateb20170801-2021-04-18.atom.xml", "latin1"));
    const yahoo = parseFeedItems(read("yahoo-rss/yahoo-headline-msft-2020-08.excerpt-repaired.xml", "utf8"));
    const all = [...filings, ...current, ...tenK, ...yahoo];
    const distinctLinks = new Set(all.map((item) => urlIdentityKey(item.url))).size;
    const clusters = clusterStories(all, { windowHours: 48 });
    expect(clusters).toHaveLength(distinctLinks);

    const twice = clusterStories([...filings, ...filings.map((item) => ({ ...item, ticker: "AAPL" }))]);
    expect(twice).toHaveLength(40);
    for (const cluster of twice) {
      expect(cluster.items).toHaveLength(2);
      expect(cluster.sources).toHaveLength(1);
    }
  });
});

describe("newerThan", () => {
  it("keeps items published strictly after the cut-off and drops undated ones", () => {
    const items = [
      { title: "a", url: "https://x.example/a", publishedAt: at(-1) },
      { title: "b", url: "https://x.example/b", publishedAt: at(0) },
      { title: "c", url: "https://x.example/c", publishedAt: at(1) },
      { title: "d", url: "https://x.example/d" },
    ];
    expect(newerThan(items, new Date(at(0))).map((item) => item.title)).toEqual(["c"]);
  });

  it("works on clusters too", () => {
    const clusters = clusterStories([reuters, logistics]);
    expect(newerThan(clusters, new Date(at(1)))).toHaveLength(1);
  });
});

describe("title normalization", () => {
  it("strips an outlet suffix but not the tail of a short form title", () => {
    expect(stripOutletSuffix("Apple beats estimates as iPhone sales jump - Reuters")).toBe("Apple beats estimates as iPhone sales jump");
    expect(stripOutletSuffix("DAX: Anleger warten auf die Fed | Handelsblatt")).toBe("DAX: Anleger warten auf die Fed");
    expect(stripOutletSuffix("Part one - part two - The Wall Street Journal")).toBe("Part one - part two");
    expect(stripOutletSuffix("Apple stock - Should you buy now?")).toBe("Apple stock - Should you buy now?");
    expect(stripOutletSuffix("8-K - Current report")).toBe("8-K - Current report");
    expect(stripOutletSuffix("SAP hebt Prognose an – Aktie steigt")).toBe("SAP hebt Prognose an – Aktie steigt");
    expect(stripOutletSuffix("Alibaba stock jumps - what investors should know")).toBe("Alibaba stock jumps - what investors should know");
    expect(stripOutletSuffix("Gold steigt auf Rekordhoch - finanzen.net")).toBe("Gold steigt auf Rekordhoch");
    expect(stripOutletSuffix("Yields climb as Fed holds rates -- Investor's Business Daily")).toBe("Yields climb as Fed holds rates");
    expect(stripOutletSuffix("Q3 - Earnings Call Transcript", "Earnings Call Transcript")).toBe("Q3");
  });

  it("folds case, umlauts, accents, stop words and plural s", () => {
    expect([...titleTokens("Die Börse öffnet: Siemens' Aktien über Erwartungen")]).toEqual([
      "boerse",
      "oeffnet",
      "siemen",
      "aktien",
      "erwartungen",
    ]);
    expect([...titleTokens("Apple's iPhone sales jump in China - Reuters")]).toEqual(["apple", "iphone", "sale", "jump", "china"]);
    expect(titleSimilarity("Apple's iPhone Sales Jump in China", "Apple iPhone sale jumps in China | Bloomberg")).toBe(1);
  });
});

describe("canonical URLs", () => {
  it("drops fragments and tracking parameters, keeps the rest (and the path) as they are", () => {
    expect(
      canonicalizeUrl("https://WWW.Example.com:443/News/Story/?b=2&utm_source=x&a=1&fbclid=f&gclid=g&.tsrc=rss&ocid=o&guccounter=1#top"),
    ).toBe("https://www.example.com/News/Story/?b=2&a=1");
    expect(canonicalizeUrl("https://example.com/?utm_campaign=x")).toBe("https://example.com/");
    expect(canonicalizeUrl("mailto:news@example.com")).toBeUndefined();
    expect(canonicalizeUrl("not a url")).toBeUndefined();
  });

  it("gives one identity to http/https, www and parameter-order variants", () => {
    const key = urlIdentityKey("https://www.example.com/a/?x=1&y=2");
    expect(urlIdentityKey("http://example.com/a?y=2&x=1&utm_medium=rss#c")).toBe(key);
    expect(urlIdentityKey("https://example.com/b?x=1&y=2")).not.toBe(key);
    expect(urlIdentityKey("https://example.com/a?x=2&y=1")).not.toBe(key);
  });
});
