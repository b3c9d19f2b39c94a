import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseFeed, parseFeedDate, parseFeedItems, plainText } from "../src/adapters/news/feed-parser.ts";
import { UserFacingError } from "../src/core/errors.ts";

const SHARED = fileURLToPath(new URL("../../shared/fixtures/", import.meta.url));
const hasShared = existsSync(SHARED);
const sharedNote = hasShared ? "" : " (skipped: ../shared/fixtures is absent)";

function own(name: string): string {
  return readFileSync(new URL(`./fixtures/feeds/${name}`, import.meta.url), "utf8");
}

function latin1(path: string): string {
  return new TextDecoder("latin1").decode(readFileSync(`${SHARED}${path}`));
}

function invalidFeedError(body: string): UserFacingError {
  try {
    parseFeed(body);
  } catch (err) {
    expect(err).toBeInstanceOf(UserFacingError);
    return err as UserFacingError;
  }
  throw new Error("expected parseFeed to throw");
}

describe.skipIf(!hasShared)(`real captured feeds${sharedNote}`, () => {
  it("reads the Yahoo Finance headline RSS excerpt", () => {
    const feed = parseFeed(readFileSync(`${SHARED}yahoo-rss/yahoo-headline-msft-2020-08.excerpt-repaired.xml`, "utf8"));
    expect(feed.format).toBe("rss");
    expect(feed.items).toHaveLength(2);
    const [first, second] = feed.items;
    expect(first).toMatchObject({
      title: "White House Poised to Announce Move on TikTok’s U.S. Operations",
      url: "https://finance.yahoo.com/news/trump-says-ban-china-owned-023554705.html?.tsrc=rss",
      publishedAt: "2020-08-01T20:57:44.000Z",
      guid: "a9ad41d2-24a2-380d-a9fa-3ce7b7047603",
      // The channel has no <title>, so the link's host names the outlet.
      source: "finance.yahoo.com",
    });
    // The description is a whole article: kept as a short teaser.
    expect(first?.summary?.startsWith("(Bloomberg) -- The Trump administration")).toBe(true);
    expect(first?.summary?.length).toBeLessThanOrEqual(600);
    expect(first?.summary?.endsWith("…")).toBe(true);
    expect(second).toMatchObject({ title: "Is NVIDIA a Buy?", publishedAt: "2020-08-01T14:48:00.000Z" });
    // isPermaLink="false" guids (UUIDs) never become links.
    expect(second?.url).toBe("https://finance.yahoo.com/m/719429c8-0b4f-3880-b287-c6d4b2ae0241/is-nvidia-a-buy%3F.html?.tsrc=rss");
  });

  it("reads the SEC EDGAR company filings Atom feed (ISO-8859-1, decoded by the fetcher)", () => {
    const feed = parseFeed(latin1("sec-edgar/edgar-getcompany-AAPL-all-2021-04-18.atom.xml"));
    expect(feed.format).toBe("atom");
    expect(feed.title).toBe("Apple Inc. (0000320193)");
    expect(feed.items).toHaveLength(40);
    expect(feed.items[0]).toEqual({
      title: "8-K - Current report",
      url: "https://www.sec.gov/Archives/edgar/data/320193/000119312521054710/0001193125-21-054710-index.htm",
      publishedAt: "2021-02-24T21:31:21.000Z",
      summary:
        "Filed: 2021-02-24 AccNo: 0001193125-21-054710 Size: 314 KB Item 5.07: Submission of Matters to a Vote of Security Holders",
      source: "Apple Inc. (0000320193)",
      guid: "urn:tag:sec.gov,2008:accession-number=0001193125-21-054710",
    });
    for (const item of feed.items) {
      expect(item.url).toMatch(/^https:\/\/www\.sec\.gov\/Archives\/edgar\/data\/320193\//);
      expect(item.publishedAt).toMatch(/^20(20|21)-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
    expect(new Set(feed.items.map((item) => item.url)).size).toBe(40);
  });

  it("reads the other EDGAR shapes (filtered company feed, latest filings)", () => {
    expect(parseFeedItems(latin1("sec-edgar/edgar-getcompany-AAPL-10-K-dateb20170801-2021-04-18.atom.xml"))).toHaveLength(25);
    const current = parseFeed(latin1("sec-edgar/edgar-getcurrent-2021-04-18.atom.xml"), {
      feedUrl: "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&output=atom",
    });
    expect(current.items).toHaveLength(40);
    expect(current.items[0]).toMatchObject({
      title: "3/A - Brian Armstrong Living Trust (0001856705) (Reporting)",
      publishedAt: "2021-04-17T01:53:26.000Z",
    });
  });
});

describe("parseFeed on the project's fixtures", () => {
  it("RSS 2.0: <source> names the outlet, else the channel title; relative and guid links", () => {
    const feed = parseFeed(own("rss-with-source.xml"));
    expect(feed).toMatchObject({ format: "rss", title: "Markets & Companies: BABA" });
    expect(feed.items.map((item) => item.title)).toEqual([
      "Alibaba shares jump after cloud revenue beats estimates - Reuters",
      "Q&A: What Alibaba's AI push means for investors",
      "An item with no title uses its teaser as the title.",
      "A guid that is a permalink serves as the link",
    ]);
    const [reuters, scmp, untitled, guidLink] = feed.items;
    expect(reuters).toEqual({
      title: "Alibaba shares jump after cloud revenue beats estimates - Reuters",
      url: "https://news.example.org/articles/abc123?utm_source=rss&utm_medium=feed",
      publishedAt: "2026-02-19T23:05:00.000Z",
      summary: "Alibaba’s cloud unit grew faster than expected.",
      source: "Reuters",
      guid: "news-example-abc123",
    });
    expect(scmp).toMatchObject({ source: "South China Morning Post", publishedAt: "2026-02-20T00:15:00.000Z" });
    expect(untitled).toMatchObject({
      url: "https://news.example.org/articles/ghi789",
      publishedAt: "2026-02-20T08:00:00.000Z",
      source: "Markets & Companies: BABA",
    });
    // A date without a zone is read as UTC, whatever the host's zone.
    expect(guidLink).toMatchObject({ url: "https://news.example.org/articles/jkl012", publishedAt: "2026-02-20T10:00:00.000Z" });
  });

  it("Atom: html titles and summaries become text; links resolve against xml:base or the feed URL", () => {
    const feed = parseFeed(own("atom.xml"), { feedUrl: "https://boerse.example.de/feeds/sap.atom" });
    expect(feed).toMatchObject({ format: "atom", title: "Börsen-Ticker SAP" });
    expect(feed.items).toEqual([
      {
        title: "SAP hebt Prognose an – Aktie steigt",
        url: "https://boerse.example.de/feeds/artikel/sap-prognose",
        publishedAt: "2026-03-02T07:30:00.000Z",
        summary: "Der Softwarekonzern SAP erwartet mehr Umsatz.",
        source: "Börsen-Ticker SAP",
        guid: "tag:boerse.example.de,2026:artikel-1",
      },
      {
        title: "Wochenausblick: DAX vor Zinsentscheid",
        url: "https://boerse.example.de/artikel/wochenausblick",
        publishedAt: "2026-03-01T18:00:00.000Z",
        summary: "Die Woche im Überblick.",
        source: "dpa-AFX",
        guid: "tag:boerse.example.de,2026:artikel-2",
      },
      {
        title: "Nur eine ID, die ein Link ist",
        url: "https://boerse.example.de/artikel/id-als-link",
        publishedAt: "2026-03-01T12:00:00.000Z",
        source: "Börsen-Ticker SAP",
        guid: "https://boerse.example.de/artikel/id-als-link",
      },
      {
        title: "Ein Eintrag mit eigenem xml:base",
        url: "https://cdn.boerse.example.de/archiv/2026/03/basis",
        publishedAt: "2026-03-01T11:00:00.000Z",
        source: "Börsen-Ticker SAP",
        guid: "tag:boerse.example.de,2026:artikel-4",
      },
    ]);
  });

  it("Atom without a feed URL resolves relative links against its self link", () => {
    const [first] = parseFeedItems(own("atom.xml"));
    expect(first?.url).toBe("https://boerse.example.de/feeds/artikel/sap-prognose");
  });

  it("RSS 1.0 / RDF with Dublin Core dates and publisher", () => {
    const feed = parseFeed(own("rdf.xml"));
    expect(feed).toMatchObject({ format: "rdf", title: "Example Wire" });
    expect(feed.items).toEqual([
      {
        title: "Xiaomi reports record smartphone shipments",
        url: "https://wire.example.com/news/1",
        publishedAt: "2026-01-14T22:00:00.000Z",
        summary: "Shipments rose 20 % year over year.",
        source: "Example Wire Service",
        guid: "https://wire.example.com/news/1",
      },
      {
        title: "Ad-hoc: SAP SE beschließt Aktienrückkauf",
        url: "https://wire.example.com/news/2",
        publishedAt: "2026-01-15T07:30:00.000Z",
        source: "Example Wire",
        guid: "https://wire.example.com/news/2",
      },
    ]);
  });

  it("CDATA and entities: decoded once per layer, markup dropped, text in angle brackets kept", () => {
    const [first, second] = parseFeedItems(own("cdata-entities.xml"));
    expect(first).toEqual({
      title: "AT&T – “quoted” <not a tag> S&P 500",
      // A bare "&" in the link is a common fault and is tolerated.
      url: "https://entities.example.com/story?id=1&section=markets",
      publishedAt: "2026-03-02T08:05:00.000Z",
      summary: "Café prices & cocoa rise again.",
      source: "Entities & CDATA",
    });
    // Double-escaped title; an unreadable date is left out rather than guessed.
    expect(second).toEqual({
      title: "Double & escaped €5",
      url: "https://entities.example.com/story?id=2",
      summary: "Price target raised",
      source: "Entities & CDATA",
    });
  });

  it("a byte-order mark and leading blank lines are accepted", () => {
    expect(parseFeedItems(`\uFEFF\n\n${own("rdf.xml")}`)).toHaveLength(2);
  });

  it("caps the number of items", () => {
    expect(parseFeedItems(own("rss-with-source.xml"), { maxItems: 2 })).toHaveLength(2);
  });

  it("does not expand entities declared in a DOCTYPE (no billion laughs)", () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>&d;</title><item><title>&d;&d;&d;</title><link>https://lol.example.com/</link></item></channel></rss>`;
    const [item] = parseFeedItems(lol);
    expect(item?.title.length).toBeLessThan(100);
  });
});

describe("parseFeed rejects what is not a feed", () => {
  it("malformed (truncated) XML", () => {
    const error = invalidFeedError(own("malformed.xml"));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toMatch(/not a valid RSS or Atom feed \(malformed XML/);
  });

  it("mismatched tags, with the line", () => {
    const error = invalidFeedError('<rss version="2.0">\n<channel>\n<item><title>x</item>\n</channel></rss>');
    expect(error.message).toMatch(/not a valid RSS or Atom feed \(malformed XML at line 3\)/);
  });

  it("an HTML page", () => {
    const error = invalidFeedError(own("html-page.html"));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toMatch(/not a valid RSS or Atom feed \(it is a web page\)/);
  });

  it("an XHTML page that is well-formed XML", () => {
    const xhtml = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body><p>y</p></body></html>';
    expect(invalidFeedError(xhtml).message).toMatch(/it is a web page/);
  });

  it("well-formed XML of another kind (a sitemap)", () => {
    expect(invalidFeedError(own("sitemap.xml")).message).toMatch(/no <rss>, <feed> or <rdf:RDF> root/);
  });

  it("JSON, plain text and an empty body", () => {
    expect(invalidFeedError('{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[]}').code).toBe("invalid_input");
    expect(invalidFeedError("Service unavailable").code).toBe("invalid_input");
    expect(invalidFeedError("   ").message).toMatch(/empty/);
  });
});

describe("parseFeedDate", () => {
  it.each([
    ["Sat, 01 Aug 2020 20:57:44 +0000", "2020-08-01T20:57:44.000Z"],
    ["Sat, 01 Aug 2020 20:57:44 GMT", "2020-08-01T20:57:44.000Z"],
    ["Sat, 01 Aug 2020 16:57:44 EDT", "2020-08-01T20:57:44.000Z"],
    ["Sat, 1 Aug 2020 22:57:44 CEST", "2020-08-01T20:57:44.000Z"],
    ["Sat, 01 Aug 2020 20:57:44", "2020-08-01T20:57:44.000Z"],
    ["01 Aug 2020 22:57 +0200", "2020-08-01T20:57:00.000Z"],
    ["2021-02-24T16:31:21-05:00", "2021-02-24T21:31:21.000Z"],
    ["2026-03-01 10:00:00", "2026-03-01T10:00:00.000Z"],
    ["2026-03-01", "2026-03-01T00:00:00.000Z"],
  ])("%s → %s", (input, expected) => {
    expect(parseFeedDate(input)).toBe(expected);
  });

  it("returns undefined for text that is not a date", () => {
    expect(parseFeedDate("gestern")).toBeUndefined();
    expect(parseFeedDate("")).toBeUndefined();
    expect(parseFeedDate(undefined)).toBeUndefined();
  });
});

describe("plainText", () => {
  it("drops scripts, comments and tags, decodes entities, collapses whitespace", () => {
    expect(plainText("<p>A&nbsp;<b>bold</b>\n move</p><!-- x --><script>alert(1)</script>")).toBe("A bold move");
    expect(plainText("<br/>  ")).toBeUndefined();
    expect(plainText("DAX < 18.000 & Dow > 40.000")).toBe("DAX < 18.000 & Dow > 40.000");
  });
});
