/** A small German/English tone lexicon for market news: +1 per positive, -1 per negative word. */

const POSITIVE = [
  // German
  "rekord", "rekordhoch", "rekordumsatz", "monatsrekord", "aufwind", "rückenwind", "stark", "starke", "starken",
  "stärker", "erholung", "erholt", "durchbruch", "übertrifft", "übertroffen", "optimistisch", "zuversichtlich",
  "kaufempfehlung", "hochgestuft", "angehoben", "beflügelt", "gefragt", "erfolg", "erfolgreich", "wachstum",
  "wächst", "gewinnsprung", "rally", "furore", "positiv", "beruhigt", "überzeugt", "kurssprung", "ausweiten",
  "ausgebaut",
  // English
  "record", "strong", "stronger", "beat", "beats", "surge", "surged", "rally", "rallied", "upgrade", "upgraded",
  "growth", "optimistic", "boost", "boosted", "soared", "outperform", "outperformed", "breakthrough", "robust",
  "recovery", "rebound", "bullish", "raised",
];

const NEGATIVE = [
  // German
  "rückfall", "rücktritt", "rücktritte", "belastet", "belastete", "druck", "schwach", "schwache", "schwächer",
  "verlust", "verluste", "tiefste", "tiefststand", "einbruch", "absturz", "warnung", "gesenkt", "herabgestuft",
  "enttäuscht", "enttäuschend", "sorgen", "klage", "strafe", "krise", "eskalierende", "konflikt", "rückschlag",
  "gewinnwarnung", "pleite", "insolvenz", "einbußen", "kursrutsch", "ausverkauf", "keinerlei", "verfängt",
  // English
  "miss", "missed", "weak", "weaker", "loss", "losses", "downgrade", "downgraded", "warning", "lawsuit", "probe",
  "slump", "plunge", "plunged", "concern", "concerns", "resign", "resigned", "resignation", "cut", "cuts",
  "bearish", "selloff", "sell-off", "disappointing", "fraud", "bankruptcy",
];

const POSITIVE_SET = new Set(POSITIVE);
const NEGATIVE_SET = new Set(NEGATIVE);

// Phrases whose words alone mislead: "kommt nicht mehr in die Spur", "keine Wirkung".
const NEGATIVE_PHRASES = [/nicht mehr in die spur/iu, /keine wirkung/iu, /unter druck/iu, /no longer/iu];

export function toneOf(text: string): number {
  let score = 0;
  for (const m of text.toLowerCase().matchAll(/[\p{L}-]+/gu)) {
    if (POSITIVE_SET.has(m[0])) score += 1;
    else if (NEGATIVE_SET.has(m[0])) score -= 1;
  }
  for (const p of NEGATIVE_PHRASES) if (p.test(text)) score -= 1;
  return score;
}
