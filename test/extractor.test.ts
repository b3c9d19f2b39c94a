import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runExtractionBench } from "../bench/extraction.ts";
import { EXTRACTION_CORPUS_DIR, extractionCorpusAvailable } from "../bench/lib/corpus.ts";
import { paragraphsOf } from "../src/core/article.ts";
import { isUserFacingError, type UserFacingCode } from "../src/core/errors.ts";
import { cleanByline } from "../src/adapters/extractor/byline.ts";
import { normalizeDate } from "../src/adapters/extractor/dates.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";
import { assertSummarizable } from "../src/core/article-gate.ts";

const extractor = createArticleExtractor();
const page = (name: string): string => readFileSync(new URL(`./fixtures/pages/${name}`, import.meta.url), "utf8");

/** Shifts every lowercase letter by one, as some publishers scramble paid text in the page. */
const shiftLetters = (s: string): string => s.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 1) % 26) + 97));

function extractionError(fn: () => unknown): { code: UserFacingCode; message: string } {
  try {
    fn();
  } catch (err) {
    if (isUserFacingError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a UserFacingError");
}

describe("German news page with page chrome", () => {
  const url = "https://www.boersenblick.example/maerkte/aktien/nordlicht-solar-grossauftrag-12345.html?utm_source=x";
  const article = extractor.extractHtml(page("de-boerse-artikel.html"), url);

  it("keeps every article paragraph, in order, separated by blank lines", () => {
    const paragraphs = paragraphsOf(article.text);
    expect(paragraphs).toHaveLength(5);
    expect(paragraphs[0]).toMatch(/^Die Aktie der Nordlicht Solar AG hat am Dienstag/);
    expect(paragraphs[1]).toContain("„Meilenstein für unser Geschäft in Südeuropa“");
    expect(paragraphs[2]).toContain("Kursziel von 14,50 auf 17,00 Euro");
    expect(paragraphs[3]).toContain("13,84 Euro");
    expect(paragraphs[4]).toMatch(/Ende März vorlegen\.$/);
    expect(article.text).toContain("\n\n");
  });

  it("leaves out cookie banner, navigation, share bar, ads, captions, newsletter, related links and footer", () => {
    for (const chrome of [
      "Cookies", "Alle akzeptieren", "Startseite", "Fonds & ETFs", "Teilen", "WhatsApp", "Lesen Sie auch",
      "Sonnenkraft", "Anzeige", "Foto: dpa", "Newsletter", "abonnieren", "Meistgelesen", "Mehr zum Thema",
      "Margen unter Druck", "Impressum", "Alle Rechte vorbehalten", "Von Max Mustermann",
    ]) {
      expect(article.text, chrome).not.toContain(chrome);
    }
  });

  it("reads the metadata: JSON-LD headline, cleaned byline, ISO date, site, canonical URL, language", () => {
    expect(article.title).toBe("Nordlicht Solar: Aktie springt nach Großauftrag an");
    expect(article.byline).toBe("Max Mustermann");
    expect(article.publishedAt).toBe("2024-03-05T09:15:00+01:00");
    expect(article.siteName).toBe("Börsenblick");
    expect(article.url).toBe("https://www.boersenblick.example/maerkte/aktien/nordlicht-solar-grossauftrag-12345.html");
    expect(article.language).toBe("de");
    expect(article.excerpt).toMatch(/^Die Aktie der Nordlicht Solar AG legt/);
  });
});

describe("German page whose chrome has no telling class names", () => {
  const article = extractor.extractHtml(page("de-ohne-klassen.html"), "https://regionalkurier.example/wirtschaft/zinsen");

  it("drops dateline, byline line, read-more link, ad label, call to subscribe, copyright and the related list", () => {
    const paragraphs = paragraphsOf(article.text);
    expect(paragraphs).toHaveLength(4);
    expect(paragraphs[0]).toMatch(/^Mehrere Sparkassen in der Region/);
    expect(paragraphs[3]).toMatch(/aus mehreren Häusern\.$/);
    for (const chrome of ["Veröffentlicht", "Lesen Sie auch", "Anzeige", "Folgen Sie", "©", "Mehr zum Thema", "Bausparen", "Impressum", "Sport"]) {
      expect(article.text, chrome).not.toContain(chrome);
    }
  });

  it("takes the byline from the dropped 'Von …' line, the date from meta name=date and the title without the site", () => {
    expect(article.byline).toBe("Erika Beispiel");
    expect(article.publishedAt).toBe("2024-02-12");
    expect(article.title).toBe("Zinswende: Sparkassen erhöhen Tagesgeldzinsen");
    expect(article.siteName).toBe("Regionalkurier");
  });

  it("takes the date from the dropped dateline when no metadata states one", () => {
    const html = page("de-ohne-klassen.html").replace('<meta name="date" content="2024-02-12">', "");
    expect(extractor.extractHtml(html).publishedAt).toBe("2024-02-12T14:30:00");
  });
});

describe("class names that only look like chrome", () => {
  const paragraphs = [
    "Die Notenbank hat die Zinsen erneut nicht gesenkt, und das ist richtig so. Die Inflation ist zwar gesunken, doch die Löhne steigen kräftig, und die Dienstleistungspreise ziehen weiter an.",
    "Wer jetzt nach schnellen Zinssenkungen ruft, unterschätzt das Risiko einer zweiten Welle. Die Erfahrung der Siebzigerjahre zeigt, wie teuer ein zu frühes Lockern werden kann.",
    "Die Märkte werden sich gedulden müssen. Für Sparer ist das eine gute Nachricht, für Bauherren eine schlechte, doch die Glaubwürdigkeit der Geldpolitik wiegt schwerer als beides.",
    "Am Ende zählt, dass die Preise stabil bleiben. Dafür lohnt es sich, noch einige Monate abzuwarten, auch wenn die Konjunktur schwach bleibt und der Druck der Politik wächst.",
  ];
  const html = `<!DOCTYPE html><html lang="de"><head><title>Kommentar: Geduld zahlt sich aus</title></head><body>
    <div class="site-nav print:hidden"><a href="/">Start</a> <a href="/meinung">Meinung</a></div>
    <main><h1>Kommentar: Geduld zahlt sich aus</h1>
    ${paragraphs.map((p) => `<div class="kommentar-absatz hidden md:block print:hidden"><p>${p}</p></div>`).join("\n")}
    </main><div class="kommentare"><h2>Leserkommentare</h2><p>Sehr guter Kommentar, ich sehe das genauso wie der Autor des Textes hier.</p></div></body></html>`;

  it("keeps an opinion piece ('Kommentar') whose paragraphs carry responsive utility classes", () => {
    const article = extractor.extractHtml(html, "https://zeitung.example/meinung/zinsen");
    expect(paragraphsOf(article.text)).toEqual(paragraphs);
    expect(article.text).not.toContain("Leserkommentare");
  });
});

describe("metadata sources", () => {
  it("reads a NewsArticle inside a JSON-LD @graph, ahead of OpenGraph", () => {
    const article = extractor.extractHtml(page("jsonld-graph.html"), "https://ledger.example/markets/harbor-freight-rail-record-quarter?ref=home");
    expect(article.title).toBe("Harbor Freight Rail posts record quarter as grain shipments surge");
    expect(article.byline).toBe("Dana Fictional, Lee Placeholder");
    expect(article.publishedAt).toBe("2024-04-18T21:05:00.000Z");
    expect(article.siteName).toBe("The Daily Ledger");
    expect(article.url).toBe("https://ledger.example/markets/harbor-freight-rail-record-quarter");
    expect(article.language).toBe("en");
    expect(paragraphsOf(article.text)).toHaveLength(4);
    expect(article.text).not.toContain("Copyright");
  });

  it("falls back to OpenGraph, article:published_time, meta author and og:locale", () => {
    const article = extractor.extractHtml(page("opengraph-fallback.html"), "https://wirtschaftsecho.example/unternehmen/stahlfeld-prognose?x=1");
    expect(article.title).toBe("Maschinenbauer Stahlfeld kappt Prognose");
    expect(article.siteName).toBe("Wirtschaftsecho");
    expect(article.publishedAt).toBe("2024-06-03T16:45:00+02:00");
    expect(article.byline).toBe("Hans Beispiel");
    expect(article.url).toBe("https://wirtschaftsecho.example/unternehmen/stahlfeld-prognose");
    expect(article.excerpt).toBe("Der Maschinenbauer senkt seine Umsatzprognose wegen schwacher Nachfrage aus China.");
    expect(article.language).toBe("de");
  });

  it("falls back to <time datetime>, a byline element and the first <h1>", () => {
    const article = extractor.extractHtml(page("time-fallback.html"), "https://metals.example/copper-high");
    expect(article.title).toBe("Copper hits two-year high on supply worries");
    expect(article.publishedAt).toBe("2024-05-14T08:30:00+01:00");
    expect(article.byline).toBe("Jane Doe");
    expect(article.siteName).toBe("metals.example");
    expect(article.url).toBe("https://metals.example/copper-high");
    expect(article.text).not.toContain("Reuters");
    expect(article.text).not.toContain("May 14, 2024");
  });
});

describe("title choice", () => {
  const body = page("time-fallback.html").replace(/<title>.*<\/title>/, "<title>Copper rallies as mines falter - Metals Wire</title>");

  it("prefers the document title over an <h1> that is only the site's logo", () => {
    const html = body.replace('<div id="main">', '<div id="top"><h1>Metals Wire</h1></div><div id="main">').replace(/<h1>Copper hits[^<]*<\/h1>/, "");
    const article = extractor.extractHtml(html.replace("<head>", '<head><meta property="og:site_name" content="Metals Wire">'));
    expect(article.title).toBe("Copper rallies as mines falter");
  });

  it("prefers a real <h1> headline over the document title", () => {
    expect(extractor.extractHtml(body).title).toBe("Copper hits two-year high on supply worries");
  });
});

describe("byline cleaning", () => {
  it.each([
    ["Von Max Muster", "Max Muster"],
    ["Von Max Muster | dpa", "Max Muster"],
    ["Max Muster, dpa-AFX, 19.11.2019, 10:48 Uhr", "Max Muster"],
    ["By Justine Example - 11/18/19 11:04 PM EST", "Justine Example"],
    ["von Erika Beispiel und Max Muster", "Erika Beispiel und Max Muster"],
    ["Ein Kommentar von Anna Schmidt", "Anna Schmidt"],
    ["By AMY EXAMPLE | NJ Advance Media for NJ.com", "Amy Example"],
    ["Robert Sample, AP National Security Writer", "Robert Sample"],
    ["Autor: Hans Meier (hm)", "Hans Meier"],
    ["Paul Example paul.example@news.example", "Paul Example"],
    ["dpa-AFX", "dpa-AFX"],
  ])("%s → %s", (raw, expected) => {
    expect(cleanByline(raw)).toBe(expected);
  });

  it("gives nothing for links and empty strings", () => {
    expect(cleanByline("https://www.facebook.com/someone")).toBeUndefined();
    expect(cleanByline("  ")).toBeUndefined();
  });
});

describe("date normalization", () => {
  it.each([
    ["2019-11-19T10:48:00+01:00", "2019-11-19T10:48:00+01:00"],
    ["2019-11-19T10:48:00Z", "2019-11-19T10:48:00.000Z"],
    ["2019-11-19T10:48:00", "2019-11-19T10:48:00"],
    ["2019-11-19", "2019-11-19"],
    ["20191119", "2019-11-19"],
    ["19.11.2019, 10:48 Uhr", "2019-11-19T10:48:00"],
    ["19. November 2019", "2019-11-19"],
    ["5. März 2024", "2024-03-05"],
    ["Tue, 19 Nov 2019 10:48:00 GMT", "2019-11-19T10:48:00.000Z"],
    ["November 19, 2019 4:00 pm", "2019-11-19T16:00:00"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeDate(raw)).toBe(expected);
  });

  it("rejects nonsense and implausible years", () => {
    expect(normalizeDate("gestern")).toBeUndefined();
    expect(normalizeDate("2019-13-45")).toBeUndefined();
    expect(normalizeDate("1850-01-01")).toBeUndefined();
  });
});

describe("language", () => {
  const german = page("de-boerse-artikel.html");

  it("uses the declared language when the text agrees, as a lowercase ISO 639-1 code", () => {
    expect(extractor.extractHtml(german.replace('<html lang="de">', '<html lang="DE-at">')).language).toBe("de");
  });

  it("trusts the text over a declaration that clearly does not match it", () => {
    expect(extractor.extractHtml(german.replace('<html lang="de">', '<html lang="en">')).language).toBe("de");
  });

  it("detects the language when nothing is declared", () => {
    const undeclared = page("time-fallback.html").replace('<html lang="en">', "<html>");
    expect(extractor.extractHtml(undeclared).language).toBe("en");
    expect(extractor.extractHtml(german.replace('<html lang="de">', "<html>")).language).toBe("de");
  });
});

/** What the extractor reports for a page: its assessment ("not_article" when it found no text at all). */
function assessmentOf(html: string, url?: string): string {
  try {
    return extractor.extractHtml(html, url).assessment ?? "article";
  } catch (err) {
    if (isUserFacingError(err)) return err.code;
    throw err;
  }
}

describe("pages without a readable article", () => {
  it("reports a JSON-LD paywall (isAccessibleForFree=false) with only a teaser as paywalled, and summarize refuses it", () => {
    const article = extractor.extractHtml(page("paywall-jsonld.html"), "https://finanzkurier.example/autobauer");
    expect(article.assessment).toBe("paywalled");
    expect(article.text.length).toBeGreaterThan(0);
    const err = extractionError(() => assertSummarizable(article));
    expect(err.code).toBe("paywalled");
    expect(err.message).toMatch(/paywall/i);
  });

  it("reports paywall wording on a thin page as paywalled", () => {
    expect(assessmentOf(page("paywall-text.html"))).toBe("paywalled");
  });

  it("judges isAccessibleForFree=false by the text it got: a teaser-length body is paywalled, a full one is not", () => {
    const flagged = page("de-boerse-artikel.html").replace('"isAccessibleForFree":true', '"isAccessibleForFree":"False"');
    expect(assessmentOf(flagged)).toBe("paywalled");
    const paragraph = /<p>Für das Gesamtjahr[^<]*<\/p>/.exec(flagged)?.[0] ?? "";
    const full = flagged.replace(paragraph, paragraph.repeat(4));
    const article = extractor.extractHtml(full);
    expect(article.assessment).toBe("article");
    expect(paragraphsOf(article.text)).toHaveLength(8);
  });

  it("reports a paid article served in full but scrambled (letters shifted) as paywalled", () => {
    const flagged = page("de-boerse-artikel.html").replace('"isAccessibleForFree":true', '"isAccessibleForFree":false');
    const paragraph = /<p>Für das Gesamtjahr[^<]*<\/p>/.exec(flagged)?.[0] ?? "";
    const full = flagged.replace(paragraph, paragraph.repeat(4));
    const scrambled = full.replace(/<p>([^<]{80,})<\/p>/g, (_, text: string) => `<p>${shiftLetters(text)}</p>`);
    expect(scrambled).not.toContain("Die Aktie der Nordlicht Solar AG hat");
    expect(assessmentOf(scrambled)).toBe("paywalled");
    // The same page unscrambled is a readable article.
    expect(extractor.extractHtml(full).language).toBe("de");
  });

  it("reports a homepage of teasers as not_article; summarize refuses it with an actionable message", () => {
    expect(assessmentOf(page("homepage.html"), "https://marktplatz.example/")).toBe("not_article");
    const err = extractionError(() => assertSummarizable({ title: "Marktplatz", text: "x", language: "de", assessment: "not_article" }));
    expect(err.code).toBe("not_article");
    expect(err.message).toMatch(/no article text/);
  });

  it("reports a video page with a one-line description as not_article", () => {
    expect(assessmentOf(page("thin-video.html"), "https://news.example/video/rates")).toBe("not_article");
  });

  it("reports empty and non-HTML input as not_article", () => {
    expect(extractionError(() => extractor.extractHtml("")).code).toBe("not_article");
    expect(assessmentOf("just some words, no markup")).toBe("not_article");
  });
});

describe("fromText", () => {
  const text = [
    "Xetra-Schluss: Dax schließt fester",
    "",
    "Der deutsche Aktienmarkt hat am Freitag zugelegt. Der Leitindex Dax stieg bis zum Handelsschluss um 0,8 Prozent",
    "auf 18.250 Punkte, gestützt von Gewinnen bei Banken und Autowerten.",
    "",
    "  Händler verwiesen auf   gute Konjunkturdaten aus den USA. Der Euro kostete zuletzt 1,08 US-Dollar,",
    "der Ölpreis gab leicht nach. Am Montag stehen Zahlen mehrerer Versorger auf dem Programm.",
  ].join("\r\n");

  it("takes a short first line without a period as the title and joins hard-wrapped lines into paragraphs", () => {
    const article = extractor.fromText(text);
    expect(article.title).toBe("Xetra-Schluss: Dax schließt fester");
    expect(paragraphsOf(article.text)).toEqual([
      "Der deutsche Aktienmarkt hat am Freitag zugelegt. Der Leitindex Dax stieg bis zum Handelsschluss um 0,8 Prozent auf 18.250 Punkte, gestützt von Gewinnen bei Banken und Autowerten.",
      "Händler verwiesen auf gute Konjunkturdaten aus den USA. Der Euro kostete zuletzt 1,08 US-Dollar, der Ölpreis gab leicht nach. Am Montag stehen Zahlen mehrerer Versorger auf dem Programm.",
    ]);
    expect(article.language).toBe("de");
  });

  it("uses the first sentence as the title when the text starts with prose", () => {
    const article = extractor.fromText(text.split("\r\n").slice(2).join("\n"));
    expect(article.title).toBe("Der deutsche Aktienmarkt hat am Freitag zugelegt.");
    expect(article.text).toMatch(/^Der deutsche Aktienmarkt/);
  });

  it("truncates a long first sentence for the title", () => {
    const long = `${"Die Hauptversammlung der Gesellschaft hat nach langer Debatte ".repeat(4)}zugestimmt. ${"Weitere Sätze folgen hier. ".repeat(10)}`;
    const article = extractor.fromText(long);
    expect(article.title.length).toBeLessThanOrEqual(101);
    expect(article.title.endsWith("…")).toBe(true);
  });

  it("reads text without blank lines as one paragraph per line", () => {
    const lines = text.replace(/\r\n\r\n/g, "\r\n").replaceAll("  ", " ");
    const article = extractor.fromText(lines);
    expect(article.title).toBe("Xetra-Schluss: Dax schließt fester");
    expect(paragraphsOf(article.text)).toHaveLength(4);
  });

  it("rejects empty text and reports too short text as no article, keeping its words", () => {
    expect(extractionError(() => extractor.fromText("  \n ")).code).toBe("invalid_input");
    const short = extractor.fromText("Dax fester.\n\nMehr nicht.");
    expect(short.assessment).toBe("not_article");
    expect(short.text).toMatch(/Mehr nicht/);
  });
});

// A guard against regressions on real pages; timings belong to bench/extraction.ts.
describe.skipIf(!extractionCorpusAvailable())("corpus smoke test (../shared/corpus/extraction)", () => {
  it("keeps F1 above 0.93 on a fixed sample of 21 real pages", async () => {
    const truth = JSON.parse(readFileSync(`${EXTRACTION_CORPUS_DIR}/ground-truth.json`, "utf8")) as Record<string, unknown>;
    const ids = Object.keys(truth)
      .toSorted()
      .filter((_, i) => i % 9 === 0);
    const [row] = await runExtractionBench({ extractors: ["marketbrief"], ids, isolate: false, warmupPages: 0, log: () => {} });
    expect(row?.pages).toBe(21);
    expect(row?.f1).toBeGreaterThan(0.93);
  });
});

if (!extractionCorpusAvailable()) {
  console.warn(`corpus smoke test skipped: no corpus at ${EXTRACTION_CORPUS_DIR}`);
}
