import { describe, expect, it } from "vitest";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";

const body = Array.from(
  { length: 6 },
  (_, i) =>
    `<p>Absatz ${i + 1}: Die Stadtwerke haben am Montag ihre Bilanz vorgelegt und dabei deutlich höhere Kosten für Energie und Personal gemeldet, die sie an die Kunden weitergeben wollen.</p>`,
).join("");

function page(header: string): string {
  return `<!doctype html><html lang="de"><head><title>Stadtwerke erhöhen Preise | Lokalblatt</title></head><body>
  <div class="page"><div class="head"><h1>Stadtwerke erhöhen Preise</h1>${header}</div>
  <div class="body-text">${body}</div>
  <div class="more"><p><a href="/a">Ein anderer Artikel über das Wetter</a></p></div></div></body></html>`;
}

describe("the lead between headline and body", () => {
  const extractor = createArticleExtractor();

  it("keeps a standfirst that sits outside the article body, before the body", () => {
    const lead = "Ab Januar zahlen Haushalte in der Stadt rund acht Prozent mehr für Strom und Gas, teilten die Stadtwerke mit.";
    const text = extractor.extractHtml(page(`<p class="intro">${lead}</p>`)).text;
    expect(text.startsWith(lead)).toBe(true);
    expect(text).toContain("Absatz 6:");
  });

  it("leaves out short lines and link lines found there (a dateline, a link to another story)", () => {
    const text = extractor.extractHtml(page(`<p>12.01.2024</p><p><a href="/x">Lesen Sie auch unseren großen Überblick über alle Tarife der Region im Jahr</a></p>`)).text;
    expect(text).not.toContain("12.01.2024");
    expect(text).not.toContain("Überblick");
    expect(text.startsWith("Absatz 1:")).toBe(true);
  });
});

describe("markup before the document", () => {
  it("reads a page that a stray <style> precedes the doctype of", () => {
    const html = `<style>.grid { display: grid; }</style>\n${"<!doctype html><html><head><title>Preise</title></head><body><article><h1>Stadtwerke erhöhen Preise</h1>"}${body}</article></body></html>`;
    const article = createArticleExtractor().extractHtml(html);
    expect(article.text).toContain("Absatz 1:");
    expect(article.title).toBe("Stadtwerke erhöhen Preise");
  });
});

const para = (topic: string, i: number): string =>
  `<p>${topic} ${i}: Der Gemeinderat hat am Dienstagabend lange über den Umbau des Marktplatzes beraten und am Ende mit knapper Mehrheit einen Kompromiss beschlossen, der Händler und Anwohner entlasten soll.</p>`;

const column = (topic: string, n: number): string =>
  `<div class="col"><div class="col-inner"><div class="text-block">${Array.from({ length: n }, (_, i) => para(topic, i + 1)).join("")}</div></div></div>`;

describe("an article spread over several boxes", () => {
  const html = `<!doctype html><html lang="de"><head><title>Marktplatz</title></head><body>
    <div class="site"><h1>Der Marktplatz wird umgebaut</h1>
    <div class="section">${column("Teil A", 4)}${column("Teil B", 3)}<div class="col"><img src="a.jpg" alt=""></div>${column("Teil C", 3)}</div>
    <div class="site-footer-links"><p><a href="/i">Impressum</a> <a href="/d">Datenschutz</a></p></div></div></body></html>`;

  it("reads every box of the article, not only the one content scoring picked", () => {
    const text = createArticleExtractor().extractHtml(html).text;
    expect(text).toContain("Teil A 1:");
    expect(text).toContain("Teil B 3:");
    expect(text).toContain("Teil C 3:");
    expect(text).not.toContain("Impressum");
  });
});

const box = (topic: string, n: number): string =>
  `<div class="elementor-widget elementor-widget-text-editor"><div class="elementor-widget-container">${Array.from({ length: n }, (_, i) => para(topic, i + 1)).join("")}</div></div>`;

describe("page-builder boxes named 'widget'", () => {
  const html = `<!doctype html><html lang="de"><head><title>Marktplatz</title></head><body><div class="page">
    <h1>Der Marktplatz wird umgebaut</h1>${box("Teil A", 4)}<h2>Was sich ändert</h2>${box("Teil B", 2)}<h2>Wie es weitergeht</h2>${box("Teil C", 2)}${box("Teil D", 2)}
    </div><div class="sidebar"><ul><li><a href="/1">Mehr aus der Stadt und dem Umland</a></li></ul></div></body></html>`;

  it("keeps the text boxes of the article even though each holds a small share of it", () => {
    const text = createArticleExtractor().extractHtml(html).text;
    for (const part of ["Teil A 1:", "Teil B 2:", "Teil C 1:", "Teil D 2:"]) expect(text).toContain(part);
    expect(text).not.toContain("Umland");
  });
});

describe("an article inside an <aside>", () => {
  const html = `<!doctype html><html lang="de"><head><title>Marktplatz</title></head><body>
    <h1>Der Marktplatz wird umgebaut</h1><aside class="direct-content">${Array.from({ length: 5 }, (_, i) => para("Teil A", i + 1)).join("")}</aside>
    <aside class="rechts"><p>Wetter heute: sonnig bei zwanzig Grad, am Abend ziehen vereinzelt Wolken auf.</p></aside></body></html>`;

  it("reads the article an <aside> wraps, and still drops the small <aside> beside it", () => {
    const text = createArticleExtractor().extractHtml(html).text;
    expect(text).toContain("Teil A 1:");
    expect(text).toContain("Teil A 5:");
    expect(text).not.toContain("Wetter heute");
  });
});
