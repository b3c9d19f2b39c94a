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
