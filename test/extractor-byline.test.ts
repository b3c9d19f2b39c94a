import { describe, expect, it } from "vitest";
import { cleanByline, cleanDeclaredAuthor, cleanHandle } from "../src/adapters/extractor/byline.ts";
import { chooseFrom, fullerForm, siteNameForms } from "../src/adapters/extractor/byline-choice.ts";
import { createArticleExtractor } from "../src/adapters/extractor/index.ts";

const extractor = createArticleExtractor();

const PARAGRAPHS = [
  "Die Stadtwerke haben am Dienstag angekündigt, das Fernwärmenetz im Norden der Stadt bis zum Jahr 2030 deutlich auszubauen und dafür mehrere Millionen Euro bereitzustellen.",
  "Nach Angaben des Unternehmens sollen zunächst rund zweitausend Haushalte angeschlossen werden, weitere Quartiere folgen in den Jahren danach, sobald die Leitungen verlegt sind.",
  "Kritik kommt von Anwohnern, die monatelange Baustellen auf den Hauptstraßen fürchten und eine bessere Abstimmung mit den Verkehrsbetrieben der Stadt verlangen.",
  "Der Stadtrat will im kommenden Monat über die Finanzierung entscheiden; eine Mehrheit für das Vorhaben gilt nach den Beratungen in den Ausschüssen als wahrscheinlich.",
];

/** A small article page; `head` and `top` add the author signals under test. */
function articlePage({ head = "", top = "", title = "Fernwärme für den Norden | Stadtanzeiger" }: { head?: string; top?: string; title?: string }): string {
  return `<!doctype html><html lang="de"><head><title>${title}</title>${head}</head><body>
  <header><a href="/">Stadtanzeiger</a></header>
  <article><h1>Fernwärme für den Norden</h1>${top}
  ${PARAGRAPHS.map((p) => `<p>${p}</p>`).join("\n")}
  </article></body></html>`;
}

const bylineOf = (html: string): string | undefined => extractor.extractHtml(html, "https://stadtanzeiger.example/lokales/fernwaerme").byline;

describe("byline: values that name no one", () => {
  it.each([
    ["Donnerstag", undefined],
    ["Posted", undefined],
    ["Follow", undefined],
    ["Teilen", undefined],
    ["Agenturen", undefined],
    ["Veröffentlicht", undefined],
    ["Frankfurt, Germany", undefined],
    ["Foto: Ingo Beispiel", undefined],
    ["Artikel von", undefined],
    ["Example Media GmbH", undefined],
    ["Max Muster, Example Media GmbH", "Max Muster"],
    ["Zeige alle Beiträge von Erika Beispiel", "Erika Beispiel"],
  ])("%s → %s", (raw, expected) => {
    expect(cleanByline(raw)).toBe(expected);
  });

  it("keeps the page's joiner between two names", () => {
    expect(cleanByline("Von Anna Beispiel und Ben Muster")).toBe("Anna Beispiel und Ben Muster");
    expect(cleanByline("By Anna Example & Ben Sample")).toBe("Anna Example & Ben Sample");
    expect(cleanByline("Anna Beispiel | Ben Muster")).toBe("Anna Beispiel, Ben Muster");
  });

  it("accepts handles and team names only where a page declares its author", () => {
    expect(cleanDeclaredAuthor("mh")).toBe("mh");
    expect(cleanDeclaredAuthor("Beispiel.NET Redaktion")).toBe("Beispiel.NET Redaktion");
    expect(cleanDeclaredAuthor("deinen Lieblingsbloggern")).toBeUndefined();
    expect(cleanHandle("freeman1984")).toBe("freeman1984");
    expect(cleanHandle("wordpressadmin")).toBeUndefined();
    expect(cleanHandle("Follow")).toBeUndefined();
    expect(cleanByline("mh")).toBeUndefined();
  });
});

describe("byline: the site is not the author", () => {
  const sites = siteNameForms(["Jobs & Hire", "LN - Lübecker Nachrichten"], "Ein Artikel | Die Wochenpost", "https://www.beispielblatt.example/a/b");

  it("compares the site's names, their parts, the title suffix and the host name", () => {
    expect(chooseFrom([{ value: "Jobs, Hire", kind: "meta" }], sites).person).toBeUndefined();
    expect(chooseFrom([{ value: "LN", kind: "declared" }], sites).person).toBeUndefined();
    expect(chooseFrom([{ value: "Die Wochenpost", kind: "visible" }], sites).person).toBeUndefined();
    expect(chooseFrom([{ value: "beispielblatt", kind: "link" }], sites).person).toBeUndefined();
    expect(chooseFrom([{ value: "Die Wochenpost", kind: "declared" }, { value: "Von Clara Beispiel", kind: "visible" }], sites).person).toBe("Clara Beispiel");
  });

  it("holds a newsroom name back while a later candidate names a person", () => {
    const choice = chooseFrom([{ value: "Beispiel Redaktion", kind: "declared" }, { value: "Von Jan Muster", kind: "visible" }], new Set());
    expect(choice).toEqual({ person: "Jan Muster", team: "Beispiel Redaktion" });
  });

  it("reports no author where meta author and og:site_name are the same", () => {
    const html = articlePage({ head: '<meta property="og:site_name" content="Stadtanzeiger"><meta name="author" content="Stadtanzeiger">' });
    expect(bylineOf(html)).toBeUndefined();
  });

  it("takes the visible byline over a JSON-LD author that is the publisher", () => {
    const ld = { "@context": "https://schema.org", "@type": "NewsArticle", headline: "Fernwärme für den Norden", author: { "@type": "Person", name: "Stadtanzeiger" }, publisher: { "@type": "Organization", name: "Stadtanzeiger" } };
    const html = articlePage({ head: `<script type="application/ld+json">${JSON.stringify(ld)}</script>`, top: '<div class="article-byline">Von Petra Beispiel</div>' });
    expect(bylineOf(html)).toBe("Petra Beispiel");
  });
});

describe("byline: signals a page declares", () => {
  it("resolves a JSON-LD author given by @id in the @graph", () => {
    const ld = {
      "@context": "https://schema.org",
      "@graph": [
        { "@type": "Article", headline: "Fernwärme für den Norden", author: { "@id": "https://stadtanzeiger.example/#/schema/person/1" } },
        { "@type": "Person", "@id": "https://stadtanzeiger.example/#/schema/person/1", name: "Greta Beispiel" },
      ],
    };
    expect(bylineOf(articlePage({ head: `<script type="application/ld+json">${JSON.stringify(ld)}</script>` }))).toBe("Greta Beispiel");
  });

  it("prefers a Person over an Organization author, which stays a last resort", () => {
    const organizationOnly = { "@context": "https://schema.org", "@type": "NewsArticle", author: { "@type": "Organization", name: "Verband der Beispielwerke" } };
    const withByline = articlePage({ head: `<script type="application/ld+json">${JSON.stringify(organizationOnly)}</script>`, top: '<span class="author">Lena Muster</span>' });
    expect(bylineOf(withByline)).toBe("Lena Muster");
    expect(bylineOf(articlePage({ head: `<script type="application/ld+json">${JSON.stringify(organizationOnly)}</script>` }))).toBe("Verband der Beispielwerke");
  });

  it("reads a handle from rel=author but not a link text such as 'Profil anzeigen'", () => {
    expect(bylineOf(articlePage({ top: '<p>von <a rel="author" href="/author/gizmo42/">gizmo42</a></p>' }))).toBe("gizmo42");
    expect(bylineOf(articlePage({ top: '<p><a rel="author" href="/author/x/">Archiv anzeigen →</a></p>' }))).toBeUndefined();
  });

  it("skips the author classes of comments", () => {
    const top = '<div class="comments"><p class="comment-author">Leserin Kim</p><p>Guter Artikel.</p></div>';
    expect(bylineOf(articlePage({ top }))).toBeUndefined();
  });

  it("reads itemprop=author with its name", () => {
    const top = '<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Otto Beispiel</span></span>';
    expect(bylineOf(articlePage({ top }))).toBe("Otto Beispiel");
  });
});

describe("byline: the fuller form the page gives", () => {
  it("completes a first name from an author box", () => {
    expect(fullerForm("Nora", ["Nora Beispiel ist freie Autorin und schreibt über Energie."], new Set())).toBe("Nora Beispiel");
    expect(fullerForm("Nora", ["Nora Heute im Gespräch"], new Set())).toBe("Nora");
  });

  it("spells out a login name the byline writes as a name", () => {
    expect(fullerForm("norabeispiel", ["Nora Beispiel"], new Set())).toBe("Nora Beispiel");
  });

  it("adds the co-author a visible byline names, in the page's words", () => {
    expect(fullerForm("Anna Beispiel", ["von Anna Beispiel und Ben Muster"], new Set())).toBe("Anna Beispiel und Ben Muster");
    expect(fullerForm("Anna Beispiel, Ben Muster", ["Von Anna Beispiel und Ben Muster"], new Set())).toBe("Anna Beispiel und Ben Muster");
    expect(fullerForm("Anna Beispiel", ["Anna Beispiel, Photographs"], new Set())).toBe("Anna Beispiel");
  });

  it("does so on a page whose meta author is a first name only", () => {
    const html = articlePage({
      head: '<meta name="author" content="Nora">',
      top: '<div class="author-bio">Nora Beispiel ist freie Autorin und schreibt über Energie.</div>',
    });
    expect(bylineOf(html)).toBe("Nora Beispiel");
  });
});
