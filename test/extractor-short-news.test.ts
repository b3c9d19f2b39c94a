import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { proseSentences } from "../src/adapters/extractor/assess.ts";
import { dateFromText, dateFromUrl, normalizeDate } from "../src/adapters/extractor/dates.ts";
import { headlineFromHeadings, stripSiteName } from "../src/adapters/extractor/headline.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
import { decodeHtmlBytes } from "../src/adapters/fetch/charset.ts";
import { assertSummarizable } from "../src/core/article-gate.ts";
import { isUserFacingError } from "../src/core/errors.ts";

const extractor = createArticleExtractor();
const bytes = (name: string): Buffer => readFileSync(new URL(`./fixtures/pages/${name}`, import.meta.url));
const page = (name: string): string => decodeHtmlBytes(bytes(name)).text;

describe("a short wire story", () => {
  const article = extractor.extractHtml(page("wire-short.html"));

  it("is returned in full and assessed as short, not refused", () => {
    expect(article.assessment).toBe("short");
    expect(article.text.split("\n\n")).toHaveLength(3);
    expect(article.text).toMatch(/^Der Hang Seng stieg am Freitag um 1,4 Prozent auf 26\.310 Punkte\./);
    expect(article.text).toContain("154,60 Hongkong-Dollar");
    expect(article.text).not.toMatch(/Impressum|Märkte|Anna Beispiel/);
  });

  it("has the visible headline without the site suffix, the German date and the author", () => {
    expect(article.title).toBe("Hang Seng legt zu, Alibaba gefragt");
    expect(article.publishedAt).toBe("2025-08-08T09:12:00");
    expect(article.byline).toBe("Anna Beispiel");
    expect(article.siteName).toBe("Börsenticker");
    expect(article.language).toBe("de");
  });

  it("passes the summarizer's gate", () => {
    expect(() => assertSummarizable(article)).not.toThrow();
  });
});

/** The extractor's assessment of a fixture page ("not_article" when it found no text at all). */
function assessment(name: string, url?: string): string {
  try {
    return extractor.extractHtml(page(name), url).assessment ?? "article";
  } catch (err) {
    if (isUserFacingError(err)) return err.code;
    throw err;
  }
}

describe("assessments", () => {

  it("a full article is an article; a gallery, a video page and a homepage are not", () => {
    expect(assessment("de-boerse-artikel.html")).toBe("article");
    expect(assessment("gallery.html")).toBe("not_article");
    expect(assessment("thin-video.html", "https://news.example/video/rates")).toBe("not_article");
    expect(assessment("homepage.html", "https://marktplatz.example/")).toBe("not_article");
  });

  it("reports the visible text of a page made only of headline links, as not an article", () => {
    const html = `<html lang="de"><head><title>Börsenportal</title></head><body>
      <nav><a href="/m">Märkte</a> <a href="/a">Aktien</a></nav>
      <ul><li><a href="/n1">DAX schließt im Plus</a></li><li><a href="/n2">Siemens mit Rekordauftrag</a></li><li><a href="/n3">Ölpreis fällt</a></li></ul>
    </body></html>`;
    const links = extractor.extractHtml(html, "https://portal.example/");
    expect(links.assessment).toBe("not_article");
    expect(links.text).toContain("Siemens mit Rekordauftrag");
    expect(links.title).toBe("Börsenportal");
    expect(() => assertSummarizable(links)).toThrow(/no article text/);
    expect(() => extractor.extractHtml("<html><body><script>var a = 1;</script></body></html>")).toThrow(/no article text/);
  });

  it("the summarizer refuses what is not an article, with a message saying why", () => {
    const gallery = extractor.extractHtml(page("gallery.html"));
    let message = "";
    try {
      assertSummarizable(gallery);
    } catch (err) {
      if (isUserFacingError(err)) message = `${err.code}: ${err.message}`;
    }
    expect(message).toMatch(/^not_article: That page has no article text/);
  });

  it("counts real sentences, not fragments", () => {
    expect(proseSentences("Der Dax stieg um 1 Prozent am Freitag. Händler waren in guter Stimmung heute!")).toBe(2);
    expect(proseSentences("Photo 1 of 4\n\nNext gallery")).toBe(0);
  });
});

describe("German dates", () => {
  it("reads '08. August 2025' and '08.08.2025' in datelines", () => {
    expect(dateFromText("Veröffentlicht am 08. August 2025")).toBe("2025-08-08");
    expect(dateFromText("Stand: 08.08.2025")).toBe("2025-08-08");
    expect(dateFromText("08.08.2025, 14:05 Uhr")).toBe("2025-08-08T14:05:00");
    expect(normalizeDate("8. Aug. 2025")).toBe("2025-08-08");
    expect(normalizeDate("3. März 2025 um 7:30")).toBe("2025-03-03T07:30:00");
  });

  it("does not take a version number or a long text for a date", () => {
    expect(dateFromText("Version 1.12.2019.4 released")).toBeUndefined();
    expect(dateFromText(`${"Ein langer Satz ohne Datum. ".repeat(5)}08.08.2025`)).toBeUndefined();
  });

  it("keeps the page's own time zone offset, so the calendar day is the one the page states", () => {
    expect(normalizeDate("2025-08-08T00:30:00+02:00")).toBe("2025-08-08T00:30:00+02:00");
    expect(normalizeDate("2025-08-08T00:30:00Z")).toBe("2025-08-08T00:30:00.000Z");
  });

  it("reads dates from URLs", () => {
    expect(dateFromUrl("https://blog.example/2019/10/21/interning/")).toBe("2019-10-21");
    expect(dateFromUrl("https://news.example/local/2020-02/19/c_11.htm")).toBe("2020-02-19");
    expect(dateFromUrl("https://www.example.de/Meldung/2022/20220124-foerderung.html")).toBe("2022-01-24");
    expect(dateFromUrl("https://news.example/2019/10/story")).toBeUndefined();
  });

  it("finds the numeric dateline of a windows-1252 page without metadata", () => {
    const article = extractor.extractHtml(page("de-datum-numerisch.html"));
    expect(article.publishedAt).toBe("2025-08-08");
    expect(article.title).toBe("Stadtwerke senken Strompreis");
    expect(article.text).toContain("Strombörse");
  });
});

describe("title suffix stripping", () => {
  it("drops the site's name from either side", () => {
    expect(stripSiteName("Hang Seng legt zu | Börsenticker", "Börsenticker")).toBe("Hang Seng legt zu");
    expect(stripSiteName("Börsenticker – Hang Seng legt zu", "Börsenticker")).toBe("Hang Seng legt zu");
    expect(stripSiteName("Hang Seng legt zu » Börsenticker", "Börsenticker")).toBe("Hang Seng legt zu");
    expect(stripSiteName("Hang Seng: Alibaba gefragt", "Börsenticker")).toBe("Hang Seng: Alibaba gefragt");
  });

  it("prefers the visible heading matching the declared title over a logo or a kicker", () => {
    const headings = [
      { tag: "H1", text: "Börsenticker", index: 0 },
      { tag: "H2", text: "Märkte Hang Seng legt zu", index: 1 },
      { tag: "H2", text: "Märkte", index: 1 },
      { tag: "H2", text: "Hang Seng legt zu", index: 1 },
      { tag: "H3", text: "Meistgelesen", index: 2 },
    ];
    expect(headlineFromHeadings(headings, ["Hang Seng legt zu | Börsenticker"], "Börsenticker")).toBe("Hang Seng legt zu");
    expect(headlineFromHeadings([{ tag: "H1", text: "Impressum", index: 0 }], ["Hang Seng legt zu"], undefined)).toBeUndefined();
  });
});
