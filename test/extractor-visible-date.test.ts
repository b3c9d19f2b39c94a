import { describe, expect, it } from "vitest";
import { collapseTitle, stripSiteSuffix } from "../src/adapters/extractor/headline.ts";
import { normalizeDate } from "../src/adapters/extractor/dates.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";

const extractor = createArticleExtractor();
const prose = "Die Gemeinde hat am Abend über den neuen Haushalt beraten und ihn mit großer Mehrheit beschlossen. ".repeat(6);

const blog = (meta: string): string => `<!doctype html><html lang="de"><head><title>Rinderleber mit Apfel und Zwiebel | Liebe geht durch den Magen</title></head><body>
  <header><h1>Liebe geht durch den Magen</h1><p class="archive-note">Archiv 3. März 2009</p></header>
  <nav><ul>${Array.from({ length: 30 }, (_, i) => `<li><a href="/p${i}">Beitrag ${i}</a></li>`).join("")}</ul></nav>
  <main><h2><a href="/rezepte/rinderleber.htm">Rinderleber mit Apfel und Zwiebel</a></h2>
  ${meta}
  <div class="entry"><p>${prose}</p><p>${prose}</p></div></main></body></html>`;

describe("the date a page shows", () => {
  it("takes the date after the headline, not one above it in the page's chrome", () => {
    const article = extractor.extractHtml(blog(`<p class="postmetadata">8.<a href="/date/2010/12/">Dezember 2010</a> um 09:43 · <a href="/rezepte">Rezepte</a></p>`));
    expect(article.publishedAt).toBe("2010-12-08T09:43:00");
    expect(article.title).toBe("Rinderleber mit Apfel und Zwiebel");
  });

  it("reads a date written between links in an element with many children", () => {
    const article = extractor.extractHtml(blog(`<div class="meta"><a href="/a">Yngrid</a> · November 22, 2011 · <a href="/m">Mail</a> <a href="/p">Drucken</a> <a href="#c">Kommentare</a></div>`));
    expect(article.publishedAt).toBe("2011-11-22");
  });

  it("reads a press release's opening date", () => {
    const article = extractor.extractHtml(blog(`<p>27.1.2022 - ${prose}</p>`));
    expect(article.publishedAt).toBe("2022-01-27");
  });

  it("reads <time dateTime> as server renderers write it", () => {
    const article = extractor.extractHtml(blog(`<time dateTime="2022-05-04T07:59:48-04:00">07:59</time>`));
    expect(article.publishedAt).toBe("2022-05-04T07:59:48-04:00");
  });

  it("parses a day and month name without a space after the dot", () => {
    expect(normalizeDate("8.Dezember 2010")).toBe("2010-12-08");
  });
});

describe("headline cleanup", () => {
  it("keeps a bracketed prefix and drops dangling separators", () => {
    expect(collapseTitle("[Expertenwissen] Update für Windows 7")).toBe("[Expertenwissen] Update für Windows 7");
    expect(collapseTitle("[> Jens Weber")).toBe("Jens Weber");
    expect(collapseTitle("/ Irme Stetter-Karp ist neue Präsidentin")).toBe("Irme Stetter-Karp ist neue Präsidentin");
  });

  it("does not take a site's name before the separator for the headline", () => {
    expect(stripSiteSuffix("example.de // » Jens Weber")).toBe("example.de // » Jens Weber");
    expect(stripSiteSuffix("Rinderleber mit Apfel | Liebe geht durch den Magen")).toBe("Rinderleber mit Apfel");
  });
});
