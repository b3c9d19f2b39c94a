import { describe, expect, it } from "vitest";
import { dateFromText, dateFromUrl, normalizeDate } from "../src/adapters/extractor/dates.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";

const extractor = createArticleExtractor();
const prose = "Der Stadtrat hat am Abend über den neuen Radweg beraten und ihn nach langer Debatte mit knapper Mehrheit beschlossen. ".repeat(6);

/** A small article page: `head` goes into <head>, `dateline` right under the headline, `after` below the text. */
const page = (head: string, dateline: string, after = ""): string => `<!doctype html><html lang="de"><head><title>Neuer Radweg beschlossen | Stadtbote</title>${head}</head><body>
  <header><a href="/">Stadtbote</a></header>
  <main><article><h1>Neuer Radweg beschlossen</h1>
  ${dateline}
  <div class="entry-content"><p>${prose}</p><p>${prose}</p></div>
  ${after}</article></main></body></html>`;

const jsonLd = (fields: string): string => `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Neuer Radweg beschlossen",${fields}}</script>`;

describe("dates stated with a zone", () => {
  it("keeps the page's own offset of an RFC 2822 date, so its calendar day stays the page's", () => {
    expect(normalizeDate("Sat, 19 Oct 2019 00:04:00 +0200")).toBe("2019-10-19T00:04:00+02:00");
    expect(normalizeDate("Tue, 19 Nov 2019 10:48:00 GMT")).toBe("2019-11-19T10:48:00.000Z");
  });

  it("reads JavaScript's Date#toString in the offset it states", () => {
    expect(normalizeDate("Tue Feb 20 2018 01:00:00 GMT+0100 (Central European Standard Time)")).toBe("2018-02-20T01:00:00+01:00");
  });
});

describe("the day most of the page's statements name", () => {
  it("takes the day the visible dateline and <time> agree on over a lone JSON-LD date", () => {
    const html = page(jsonLd(`"datePublished":"2022-01-04T07:29:00Z"`), `<p class="meta">Veröffentlicht am <time datetime="2022-01-06T09:30:00+01:00">6. Januar 2022</time></p>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2022-01-06T09:30:00+01:00");
  });

  it("keeps the declared date when JSON-LD and meta agree against one visible date", () => {
    const head = `${jsonLd(`"datePublished":"2021-05-03T10:00:00+02:00"`)}<meta property="article:published_time" content="2021-05-03T10:00:00+02:00">`;
    const html = page(head, `<p>Termin: 21.06.2021</p>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2021-05-03T10:00:00+02:00");
  });

  it("counts a modification date that agrees with the visible dateline", () => {
    const html = page(jsonLd(`"datePublished":"2021-03-16T16:16:10Z","dateModified":"2021-03-20T14:00:17Z"`), `<p class="dateline">20.03.2021, 15:00 Uhr</p>`);
    expect(extractor.extractHtml(html).publishedAt?.slice(0, 10)).toBe("2021-03-20");
  });
});

describe("dates of something else than the page", () => {
  const comments = `<section id="comments"><ol class="commentlist"><li class="comment"><p class="comment-meta"><time datetime="2017-02-23T12:33:18+05:30">February 23, 2017 at 12:33 pm</time></p><p>Danke!</p></li></ol></section>`;

  it("does not take a comment's <time> or dateline for the page's date", () => {
    const html = page(`<meta property="article:published_time" content="2016-02-08T11:04:42Z">`, "", comments);
    expect(extractor.extractHtml(html).publishedAt).toBe("2016-02-08T11:04:42.000Z");
  });

  it("passes over a sidebar's dates to the article's own dateline", () => {
    const sidebar = `<aside class="widget-area"><ul><li>Neue Bänke am Markt <span class="post-date">3. Januar 2020</span></li></ul></aside>`;
    const html = `<!doctype html><html lang="de"><head><title>Neuer Radweg beschlossen</title></head><body>
      <h1>Neuer Radweg beschlossen</h1>${sidebar}<p class="byline">von Anna Beispiel, 10. Februar 2019</p>
      <div><p>${prose}</p><p>${prose}</p></div></body></html>`;
    expect(extractor.extractHtml(html).publishedAt).toBe("2019-02-10");
  });

  it("takes the published <time>, not the one marked as modified", () => {
    const html = page("", `<p class="posted-on"><time itemprop="dateModified" datetime="2019-02-12T08:00:00+01:00">12. Februar 2019</time> <time class="entry-date published" datetime="2019-02-10T09:30:10+01:00">10. Februar 2019</time></p>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2019-02-10T09:30:10+01:00");
  });

  it("takes hAtom's lone \"updated\" date for the page's date", () => {
    const html = page("", `<span class="cb-date"><time class="updated" datetime="2020-02-22">22. Februar 2020</time></span>`, `<p>Zuerst erschienen im Jahr 2018.</p>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2020-02-22");
  });

  it("prefers a plain dateline to one labelled as an update", () => {
    const html = page("", `<p class="stand">Aktualisiert am 14.03.2022</p><p class="dateline">11.03.2022</p>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2022-03-11");
  });
});

describe("more places pages state their date", () => {
  it("reads a WebPage's datePublished when the JSON-LD describes no article", () => {
    const head = `<script type="application/ld+json">{"@graph":[{"@type":"WebPage","datePublished":"2014-03-17T01:44:37+00:00","dateModified":"2018-09-16T06:34:07+00:00"}]}</script>`;
    expect(extractor.extractHtml(page(head, "")).publishedAt).toBe("2014-03-17T01:44:37.000Z");
  });

  it("reads RDFa's schema:dateCreated", () => {
    const html = page("", `<span property="schema:dateCreated" content="2022-01-28T12:45:46+00:00"></span>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2022-01-28T12:45:46.000Z");
  });

  it("reads the instant hAtom writes in a title attribute", () => {
    const html = page("", `<abbr class="published" title="2013-04-04T18:52:11+02:00">vor langer Zeit</abbr>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2013-04-04T18:52:11+02:00");
  });

  it("reads a dateline with a two-digit year, but not a version number", () => {
    expect(dateFromText(" 23.09.22 ")).toBe("2022-09-23");
    expect(dateFromText("am 28.01.22, 12:45 Uhr")).toBe("2022-01-28T12:45:00");
    expect(dateFromText("Version 1.2.22")).toBeUndefined();
    const html = page("", `<div class="uploaded-date"> 23.09.22 </div>`);
    expect(extractor.extractHtml(html).publishedAt).toBe("2022-09-23");
  });

  it("reads a day-first date at the end of a URL only where its order is certain", () => {
    expect(dateFromUrl("https://example.org/meldungen/29-10-2021")).toBe("2021-10-29");
    expect(dateFromUrl("https://example.org/meldungen/05-03-2021")).toBeUndefined();
  });

  it("reads Spanish, Italian, Portuguese and Dutch month names", () => {
    expect(normalizeDate("3 de mayo de 2022")).toBe("2022-05-03");
    expect(normalizeDate("12 marzo 2021")).toBe("2021-03-12");
    expect(normalizeDate("5 de março de 2020")).toBe("2020-03-05");
    expect(normalizeDate("14 mei 2019")).toBe("2019-05-14");
  });
});
