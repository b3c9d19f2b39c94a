import { describe, expect, it } from "vitest";
import { headingPieces, visibleText } from "../src/adapters/extractor/heading-parts.ts";
import { parseHtml } from "../src/adapters/extractor/dom.ts";
import { normalizeTitleText, stripSiteSuffix } from "../src/adapters/extractor/headline.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";

const extractor = createArticleExtractor();
const body = "<p>Der Gemeinderat hat am Dienstagabend nach langer Debatte entschieden, den Hafen auszubauen. Die Arbeiten sollen im Frühjahr beginnen und zwei Jahre dauern.</p><p>Die Kosten teilen sich Land und Stadt. Anwohner hatten zuvor mehr Lärmschutz gefordert, den die Planung nun vorsieht.</p><p>Der Bürgermeister sprach von einem guten Tag für die Stadt und dankte allen Beteiligten für die lange Geduld.</p>";
const page = (head: string, heading: string): string => `<!DOCTYPE html><html lang="de"><head>${head}</head><body><header><a href="/">Stadtbote</a></header><article>${heading}${body}</article></body></html>`;
const h1 = (html: string) => {
  const el = parseHtml(`<html><body>${html}</body></html>`).querySelector("h1");
  if (!el) throw new Error("no h1");
  return el;
};

describe("heading pieces", () => {
  it("keeps text split by entities in one piece", () => {
    expect(headingPieces(h1("<h1>When You&#8217;re Short On Space</h1>"))).toHaveLength(1);
    expect(headingPieces(h1("<h1>Hafen: <em>Ausbau</em> beschlossen</h1>"))).toEqual(["Hafen: ", "Ausbau", " beschlossen"]);
  });

  it("looks into a lone link and skips pieces that hold only spaces", () => {
    const pieces = headingPieces(h1('<h1><a href="/x"><span class="label">Kurz</span><span>&nbsp;</span>Hafen wird ausgebaut</a></h1>'));
    expect(pieces.map((p) => p.trim())).toEqual(["Kurz", "Hafen wird ausgebaut"]);
  });

  it("reads neither ruby readings nor screen-reader labels, and a line break as a space", () => {
    expect(visibleText(h1('<h1><ruby>港<rt>みなと</rt></ruby>を広げる<span class="sr-only">Artikel:</span></h1>'))).toBe("港を広げる");
    expect(visibleText(h1("<h1>Hafen<br>Ausbau</h1>"))).toBe("Hafen Ausbau");
  });
});

describe("title from a heading with a kicker", () => {
  it("drops a kicker set apart only by styling when the page declares kicker and headline apart", () => {
    const html = page('<meta property="og:title" content="Stadtrat - Hafen wird ausgebaut">', '<h1><span class="kicker">Stadtrat</span> Hafen wird ausgebaut</h1>');
    expect(extractor.extractHtml(html).title).toBe("Hafen wird ausgebaut");
  });

  it("drops a kicker repeating a headline word when the page declares the headline alone", () => {
    const html = page('<meta property="og:title" content="Hafen wird ausgebaut">', '<h1><span class="kicker">Hafen</span> Hafen wird ausgebaut</h1>');
    expect(extractor.extractHtml(html).title).toBe("Hafen wird ausgebaut");
  });

  it("keeps a kicker the heading separates with punctuation, and one the page declares with the headline", () => {
    const dashed = page('<meta property="og:title" content="Stadtrat - Hafen wird ausgebaut">', "<h1><span>Stadtrat</span> – Hafen wird ausgebaut</h1>");
    expect(extractor.extractHtml(dashed).title).toBe("Stadtrat – Hafen wird ausgebaut");
    const joined = page('<meta property="og:title" content="Stadtrat Hafen wird ausgebaut">', "<h1><span>Stadtrat</span> Hafen wird ausgebaut</h1>");
    expect(extractor.extractHtml(joined).title).toBe("Stadtrat Hafen wird ausgebaut");
  });

  it("keeps a word an apostrophe entity splits off", () => {
    const html = page('<meta property="og:title" content="Twenty Ideas When You Need Space">', "<h1>Twenty Ideas When You&#8217;re Short On Space</h1>");
    expect(extractor.extractHtml(html).title).toBe("Twenty Ideas When You’re Short On Space");
  });
});

describe("title from the page's headings and <title>", () => {
  it("skips a heading that only links to the front page, and finds the headline in a <title> that opens with the site's name", () => {
    const html = page("<title>Stadtbote » Archiv » Hafen wird ausgebaut</title>", '<h1><a href="https://stadtbote.example/">Stadtbote</a></h1><h2>Hafen wird ausgebaut</h2>');
    expect(extractor.extractHtml(html).title).toBe("Hafen wird ausgebaut");
  });

  it("does not take a lower heading of one word of a longer declared title", () => {
    const html = page("<title>Hafen • Bahn • Stadt | Stadtbote</title>", "<h1>Der Hafen wächst um zwei Becken</h1><h3>Bahn</h3>");
    expect(extractor.extractHtml(html).title).toBe("Der Hafen wächst um zwei Becken");
  });

  it("matches Japanese headings character by character, without their ruby readings", () => {
    const html = page('<meta property="og:title" content="NHK EASY|港を大きくする計画が決まりました">', "<h1><ruby>港<rt>みなと</rt></ruby>を<ruby>大<rt>おお</rt></ruby>きくする計画</h1>");
    expect(extractor.extractHtml(html).title).toBe("港を大きくする計画");
  });
});

describe("title text", () => {
  it("drops a site's name joined without spaces to a Chinese title, and one after a box-drawing bar", () => {
    expect(stripSiteSuffix("港口扩建计划！-新华网")).toBe("港口扩建计划！");
    expect(stripSiteSuffix("Covid-19")).toBe("Covid-19");
    expect(stripSiteSuffix("Hafen wird ausgebaut │ Stadtbote")).toBe("Hafen wird ausgebaut");
  });

  it("is in one Unicode form, without zero-width characters", () => {
    expect(normalizeTitleText("Ba\u0301nder\u200B")).toBe("Bánder");
    expect(normalizeTitleText("\u09DC")).toBe("\u09A1\u09BC");
  });
});

describe("title when no heading matches the declared title", () => {
  it("takes the visible <h1> over a declared title written for search engines", () => {
    const html = page('<meta property="og:title" content="Hafenausbau 2025: Kosten, Plan, Termine">', "<h1>Der Stadtrat gibt grünes Licht für die neuen Becken</h1>");
    expect(extractor.extractHtml(html).title).toBe("Der Stadtrat gibt grünes Licht für die neuen Becken");
  });

  it("keeps the declared title when the <h1> is short or only links to the front page", () => {
    const short = page('<meta property="og:title" content="Der Stadtrat gibt grünes Licht für die neuen Becken">', "<h1>Nachrichten</h1>");
    expect(extractor.extractHtml(short).title).toBe("Der Stadtrat gibt grünes Licht für die neuen Becken");
    const logo = page('<meta property="og:title" content="Der Stadtrat gibt grünes Licht">', '<h1><a href="/">Stadtbote für Hafen und Land</a></h1>');
    expect(extractor.extractHtml(logo).title).toBe("Der Stadtrat gibt grünes Licht");
  });

  it("matches a heading with soft hyphens to the declared title", () => {
    const html = page('<meta property="og:title" content="Messenger-Dienste sind kein rechtsfreier Raum, sagt das Amt">', "<h1>Bundesamt</h1><h2>Mes&shy;sen&shy;ger-Dienste sind kein rechts&shy;freier Raum</h2>");
    expect(extractor.extractHtml(html).title).toBe("Messenger-Dienste sind kein rechtsfreier Raum");
  });
});
