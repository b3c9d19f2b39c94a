import { describe, expect, it } from "vitest";
import { paragraphsOf } from "../src/core/article.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";

const extractor = createArticleExtractor();

const SECTIONS = [
  "Der neue Tischgrill wird in wenigen Minuten heiß und verteilt die Hitze gleichmäßig über den Rost. Im Test brauchte er sieben Minuten, bis das Thermometer dreihundert Grad anzeigte.",
  "Die Reinigung gelingt ohne Mühe, weil sich Rost und Auffangschale abnehmen lassen. Beides passt in die Spülmaschine, nur das Gehäuse muss mit einem feuchten Tuch abgewischt werden.",
  "Beim Grillen selbst überzeugte das Gerät: Steaks bekamen eine kräftige Kruste und blieben innen saftig. Lediglich an den Rändern des Rosts blieb die Hitze etwas geringer als in der Mitte.",
  "Für einen Preis von knapp einhundertfünfzig Euro bekommt man solide Verarbeitung und eine gute Ausstattung. Wer oft auf dem Balkon grillt, findet hier ein empfehlenswertes Gerät.",
];

describe("an article cut into sections that all carry a chrome-like modifier", () => {
  const html = `<!DOCTYPE html><html lang="de"><head><title>Tischgrill im Test</title></head><body>
    <article class="report"><h1>Tischgrill im Test</h1>
    ${SECTIONS.map((p, i) => `<section class="report__section report__section--ads" id="teil-${i}"><h2>Teil ${i + 1}</h2><p>${p}</p></section>`).join("\n")}
    <div class="report__author-box"><p>Anna Beispiel testet seit vielen Jahren Küchengeräte und schreibt am liebsten über alles, was heiß wird.</p></div>
    </article></body></html>`;

  it("keeps the sections, which hold the article only together, and still drops the author box", () => {
    const article = extractor.extractHtml(html, "https://test.example/grill");
    for (const p of SECTIONS) expect(article.text).toContain(p);
    expect(article.text).not.toContain("Anna Beispiel testet");
  });

  it("still drops a thread of comments that holds most of the page's prose", () => {
    const comments = [...SECTIONS, ...SECTIONS.slice(0, 1)]
      .map((p, i) => `<div class="comment" id="c${i}"><p>Leser ${i + 1} meint: ${p.replace("Test", "Alltag")}</p></div>`)
      .join("\n");
    const page = `<!DOCTYPE html><html lang="de"><head><title>Tischgrill im Test</title></head><body>
      <article><h1>Tischgrill im Test</h1>${SECTIONS.map((p) => `<p>${p}</p>`).join("")}</article>
      <div class="thread">${comments}</div></body></html>`;
    const article = extractor.extractHtml(page, "https://test.example/grill");
    expect(paragraphsOf(article.text)).toEqual(SECTIONS);
  });
});

describe("blog furniture around a post", () => {
  const html = `<!DOCTYPE html><html lang="de"><head><title>Whisky aus Schottland</title></head><body>
    <div class="post" id="post-12"><h1>Whisky aus Schottland</h1><div class="entry">
    ${SECTIONS.map((p) => `<p>${p}</p>`).join("\n")}
    <span class="post-ratings"><img src="star.gif" alt="1 Stern"> (Noch keine Bewertungen)</span>
    <p class="postmetadata alt">Der Beitrag wurde am Mittwoch, den 4. Mai 2022 um 10:00 Uhr veröffentlicht und unter <a href="/c/allgemein">Allgemein</a> abgelegt.</p>
    <div class="entry-utility">This entry was posted in <a href="/c/news">News</a>. Bookmark the <a href="/p/12">permalink</a>.</div>
    </div></div></body></html>`;

  it("drops the rating widget, the post's filing line and the permalink line", () => {
    const article = extractor.extractHtml(html, "https://blog.example/whisky");
    expect(paragraphsOf(article.text)).toEqual(SECTIONS);
  });
});

describe("a blog's filing line without telling class names", () => {
  it.each([
    "Dieser Eintrag wurde veröffentlicht in <a href=\"/c/reisen\">Reisen</a>. Setze ein Lesezeichen auf den Permalink.",
    "This entry was posted in <a href=\"/c/travel\">Travel</a> on May 4, 2022.",
    "Der Beitrag wurde am 4. Mai 2022 veröffentlicht und unter <a href=\"/c/reisen\">Reisen</a> abgelegt.",
  ])("drops %s", (line) => {
    const html = `<!DOCTYPE html><html lang="de"><head><title>Reisebericht</title></head><body><div>
      <h1>Reisebericht</h1>${SECTIONS.map((p) => `<p>${p}</p>`).join("\n")}<p>${line}</p></div></body></html>`;
    expect(paragraphsOf(extractor.extractHtml(html, "https://blog.example/reise").text)).toEqual(SECTIONS);
  });

  it("keeps a sentence of the article that says where something was published", () => {
    const sentence = "Der Bericht wurde am Montag im Amtsblatt veröffentlicht und gilt ab sofort für alle Gemeinden des Landkreises.";
    const html = `<!DOCTYPE html><html lang="de"><head><title>Reisebericht</title></head><body><div>
      <h1>Reisebericht</h1>${SECTIONS.map((p) => `<p>${p}</p>`).join("\n")}<p>${sentence}</p></div></body></html>`;
    expect(extractor.extractHtml(html, "https://blog.example/reise").text).toContain(sentence);
  });
});

describe("headings that announce more reading", () => {
  // Longer than the thirty words up to which a block counts as short.
  const conclusion = `${SECTIONS[2]} ${SECTIONS[3]}`;
  const page = (middle: string): string => `<!DOCTYPE html><html lang="de"><head><title>Radreise</title></head><body><div>
    <h1>Radreise</h1><p>${SECTIONS[0]}</p><p>${SECTIONS[1]}</p>${middle}<h2>Fazit</h2><p>${conclusion}</p></div></body></html>`;

  it("drops a 'Weitere …' heading with the teaser list below it, and keeps the article's next section", () => {
    const teasers = `<h2>Weitere Tourentipps aus Schweden</h2>
      <h3>Kanutour im Värmland</h3><p>Zwei Wochen auf dem Wasser, mit Zelt und Kocher im Gepäck.</p>
      <h3>Wandern am Kungsleden</h3><p>Der Königspfad führt durch das Fjäll Lapplands.</p>`;
    const text = extractor.extractHtml(page(teasers), "https://reise.example/rad").text;
    expect(text).not.toMatch(/Weitere Tourentipps|Kanutour|Königspfad/);
    expect(paragraphsOf(text)).toEqual([SECTIONS[0], SECTIONS[1], "Fazit", conclusion]);
  });

  it("keeps a 'Weitere …' heading that opens a section of prose", () => {
    const prose = `<h2>Weitere Etappen an der Küste</h2><p>Von Göteborg aus ging es weiter nach Norden, immer an der Küste entlang, bis die Straßen schmaler und die Orte kleiner wurden und der Wind jeden Tag stärker von vorn kam.</p>`;
    const text = extractor.extractHtml(page(prose), "https://reise.example/rad").text;
    expect(text).toContain("Weitere Etappen an der Küste");
    expect(text).toContain("Von Göteborg aus ging es weiter nach Norden");
  });

  it("drops a 'Weitere Informationen:' line with the links and contacts after it", () => {
    const html = `<!DOCTYPE html><html lang="de"><head><title>Radreise</title></head><body><div>
      <h1>Radreise</h1>${SECTIONS.map((p) => `<p>${p}</p>`).join("")}
      <p>Weitere Informationen:</p><p><a href="/karte">Karte der Route</a></p><p>Kontakt:</p><p>Erika Beispiel, Pressestelle, erreichbar unter Telefon 0123 456789.</p></div></body></html>`;
    expect(paragraphsOf(extractor.extractHtml(html, "https://reise.example/rad").text)).toEqual(SECTIONS);
  });
});

/** A page with two pictures in figures and a quote in a third, `opener` before the text. */
const hafenPage = (opener: string): string => `<!DOCTYPE html><html lang="de"><head><title>Hafenfest</title></head><body><div>
  ${opener}<p>${SECTIONS[0]}</p><p>${SECTIONS[1]}</p>
  <figure><img src="hafen.jpg" alt=""><div class="bu">Boote im alten Hafen am Samstagabend. Erika Beispiel</div></figure>
  <p>${SECTIONS[2]}</p>
  <figure><blockquote><p>Ein Fest wie dieses hat die Stadt lange nicht gesehen.</p></blockquote></figure>
  <p>${SECTIONS[3]}</p></div></body></html>`;

describe("pictures in the article", () => {
  it("drops the text of a figure around a picture even outside a figcaption, and keeps a figure of a quote", () => {
    const text = extractor.extractHtml(hafenPage("<h1>Hafenfest</h1>"), "https://stadt.example/hafen").text;
    expect(text).not.toContain("Boote im alten Hafen");
    expect(text).toContain("Ein Fest wie dieses hat die Stadt lange nicht gesehen.");
    for (const p of SECTIONS) expect(text).toContain(p);
  });

  it("keeps a figure that carries the headline and the standfirst over the picture", () => {
    const header = `<figure class="opener"><img src="fest.jpg" alt=""><h1>Hafenfest</h1><p>Zehntausend Besucher feiern drei Tage lang am Wasser</p></figure>`;
    const text = extractor.extractHtml(hafenPage(header), "https://stadt.example/hafen").text;
    expect(text).toContain("Zehntausend Besucher feiern drei Tage lang am Wasser");
  });
});

/** The four paragraphs with `box` in the middle. */
const pressPage = (box: string): string => `<!DOCTYPE html><html lang="de"><head><title>Pressemitteilung</title></head><body><div>
  <h1>Pressemitteilung</h1><p>${SECTIONS[0]}</p><p>${SECTIONS[1]}</p>${box}<p>${SECTIONS[2]}</p><p>${SECTIONS[3]}</p></div></body></html>`;

describe("consent notices inside the article", () => {

  it.each([
    "<div><p>Externer Inhalt</p><p>Wir respektieren deine Privatsphäre und stellen ohne dein Einverständnis keine Verbindung zu Twitter her.</p></div>",
    "<p>Mit dem Laden des Videos akzeptieren Sie die Datenschutzerklärung von YouTube und erteilen Ihre Einwilligung.</p>",
    "<p>Durch die weitere Nutzung der Seite stimmst du der Verwendung von Cookies zu.</p>",
  ])("drops %s", (box) => {
    expect(paragraphsOf(extractor.extractHtml(pressPage(box), "https://verband.example/pm").text)).toEqual(SECTIONS);
  });

  it("keeps an article sentence about consent that names no service", () => {
    const sentence = "Die Einwilligung der Eltern ist nach dem neuen Gesetz nicht mehr nötig, wenn das Kind älter als vierzehn Jahre ist.";
    expect(extractor.extractHtml(pressPage(`<p>${sentence}</p>`), "https://verband.example/pm").text).toContain(sentence);
  });
});

const INTRO = "Die Agentur veröffentlicht jeden Monat die offiziellen Zahlen zum Arbeitsmarkt. Hier lesen Sie, wie sich die Zahl der Arbeitslosen und der offenen Stellen entwickelt hat.";

describe("an accordion marked up as a tab list", () => {
  it("keeps the article it holds and drops a tab list of labels", () => {
    const html = `<!DOCTYPE html><html lang="de"><head><title>Arbeitsmarkt im Januar</title></head><body>
      <main><h1>Arbeitsmarkt im Januar</h1><p>${INTRO}</p>
      <div role="tablist" class="tabs"><a href="#a">Übersicht</a> <a href="#b">Zahlen</a> <a href="#c">Archiv</a></div>
      <div class="accordion" role="tablist"><div class="panel"><h2>Januar</h2><div role="tabpanel" class="collapse">
      ${SECTIONS.map((p) => `<p>${p}</p>`).join("\n")}</div></div></div></main></body></html>`;
    const article = extractor.extractHtml(html, "https://amt.example/arbeitsmarkt");
    expect(paragraphsOf(article.text)).toEqual([INTRO, ...SECTIONS]);
  });
});
