import { describe, expect, it } from "vitest";
import { clusterStories } from "../src/core/cluster.ts";
import { guessLanguage, judgePair, conceptWeights, reportSignals } from "../src/core/cluster-signals.ts";
import { LABELLED_REPORTS } from "./fixtures/cluster/labelled-reports.ts";
import { reportItem, scoreClustering } from "./support/cluster-eval.ts";

const BASE = new Date(Date.UTC(2026, 1, 19, 6));

describe("same-story clustering on the labelled reports", () => {
  it("the set has reworded, English/German and same-company different-event pairs", () => {
    const scores = scoreClustering("title", BASE);
    expect(scores.samePairs).toBeGreaterThanOrEqual(20);
    expect(scores.differentPairs).toBeGreaterThanOrEqual(25);
    const languages = new Set(LABELLED_REPORTS.map((r) => r.language));
    expect(languages).toEqual(new Set(["en", "de"]));
  });

  it("merges at least 90 % of same-event pairs and no different-event pair from headline and teaser", () => {
    const scores = scoreClustering("title+teaser", BASE);
    expect(scores.wronglyMerged).toEqual([]);
    expect(scores.recall).toBeGreaterThanOrEqual(0.9);
  });

  it("does as well with the article text, and with headlines alone merges no different events", () => {
    const withText = scoreClustering("title+teaser+text", BASE);
    expect(withText.wronglyMerged).toEqual([]);
    expect(withText.recall).toBeGreaterThanOrEqual(0.9);
    const titles = scoreClustering("title", BASE);
    expect(titles.wronglyMerged).toEqual([]);
    expect(titles.recall).toBeGreaterThanOrEqual(0.8);
  });

  it("the merged story credits every outlet and links the earliest report", () => {
    const reports = LABELLED_REPORTS.filter((r) => r.ticker === "BABA");
    const items = reports.map((r) => reportItem(r, BASE, "title+teaser")).toReversed();
    const results = clusterStories(items).find((c) => c.items.some((i) => i.id === "baba-results-boerse"));
    expect(results?.sources.map((s) => s.outlet)).toEqual(["Market Wire", "Finance Daily", "Börsenblick"]);
    expect(results?.url).toBe(items.find((i) => i.id === "baba-results-wire")?.url);
    expect(results?.title).toBe("Alibaba cloud revenue jumps 26% as AI demand surges");
  });

  it("reads 26% / 26 percent / 26 Prozent as one figure and vetoes different announced events", () => {
    const a = reportSignals({ title: "Alibaba cloud revenue jumps 26% as AI demand surges" });
    const b = reportSignals({ title: "Alibaba: Cloud-Umsatz wächst um 26 Prozent" });
    const c = reportSignals({ title: "Alibaba cloud unit revenue up 26 percent" });
    expect([...a.figures]).toEqual(["p:26"]);
    expect(b.figures).toEqual(a.figures);
    expect(c.figures).toEqual(a.figures);
    const buyback = reportSignals({ title: "Alibaba cloud revenue: company boosts buyback by 26%" });
    const idf = conceptWeights([a, b, buyback]);
    expect(judgePair(a, b, idf).same).toBe(true);
    expect(judgePair(a, buyback, idf)).toMatchObject({ same: false, veto: "event" });
    const su7 = reportSignals({ title: "Xiaomi unveils SU7 Ultra electric car" });
    const yu7 = reportSignals({ title: "Xiaomi unveils YU7 electric car" });
    expect(judgePair(su7, yu7, conceptWeights([su7, yu7]))).toMatchObject({ same: false, veto: "codes" });
  });

  it("guesses the language that decides how figures are written", () => {
    expect(guessLanguage("SAP baut 8.000 Stellen um, die Aktie fällt")).toBe("de");
    expect(guessLanguage("SAP to cut 8,000 jobs in the restructuring")).toBe("en");
    expect(reportSignals({ title: "SAP baut 8.000 Stellen um, die Aktie fällt" }).figures).toEqual(reportSignals({ title: "SAP to cut 8,000 jobs in the restructuring" }).figures);
  });
});
