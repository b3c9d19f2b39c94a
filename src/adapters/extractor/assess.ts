import type { PageMetadata } from "./metadata.ts";

/** Fewer words than this is a teaser, a caption or a homepage box, not an article. */
export const MIN_ARTICLE_WORDS = 80;
/** A page that says it is paywalled and shows less than this shows only the teaser. */
const PAYWALL_THIN_WORDS = 250;
/** Paywall wording without the JSON-LD flag: a stricter bar. */
const PAYWALL_TEXT_THIN_WORDS = 150;

/** What paywall overlays say, in German and English. Checked only when the text is thin. */
const PAYWALL_TEXT = new RegExp(
  [
    String.raw`(?:jetzt|hier)\s+(?:weiterlesen|freischalten|zugang\s+sichern)`,
    String.raw`weiterlesen\s+mit\s+(?:[\wäöü]+\s?)?(?:\+|plus|abo|pur)`,
    String.raw`(?:dieser|der)\s+(?:artikel|beitrag|inhalt)\s+ist\s+(?:nur\s+|exklusiv\s+)?(?:für|fuer)\s+(?:abonnent|digital-?abonnent|plus-?abonnent|\w+\+?-?leser)`,
    String.raw`lesen\s+sie\s+(?:jetzt\s+)?(?:weiter\s+)?mit\s+(?:[\wäöü]+\s+)?(?:plus|\+|abo|pur)`,
    String.raw`mit\s+(?:einem\s+)?(?:abo|abonnement)\s+weiterlesen`,
    String.raw`subscribe\s+to\s+(?:continue|keep)\s+reading`,
    String.raw`(?:this|the)\s+(?:article|story|content)\s+is\s+(?:only\s+)?(?:available|reserved|exclusive)\s+(?:to|for)\s+(?:paying\s+)?(?:subscribers|members)`,
    String.raw`to\s+continue\s+reading,?\s+(?:please\s+)?(?:subscribe|log\s?in|sign\s+in|become)`,
    String.raw`subscribers?\s+only`,
  ].join("|"),
  "i",
);

export interface Assessment {
  words: number;
  /** The extracted text, checked for scrambling when the page says it is paid. */
  text: string;
  /** Share of the content's characters that sit inside links. */
  linkShare: number;
  /** Raw HTML, scanned for paywall wording only when the text is thin. */
  html: string;
  metadata: PageMetadata;
  baseUrl?: string;
}

/** The commonest words of a language: about a third of any real prose, almost none of scrambled text. */
const FUNCTION_WORDS: Record<string, ReadonlySet<string>> = {
  de: new Set("der die das und in zu den von mit ist im für auf nicht ein eine des dem sich es an als auch bei nach wie aus er sie wir hat sind wird werden um noch am vor über zum zur".split(" ")),
  en: new Set("the of and to in a is that for it on was with as at by be this are from or have an has but not they which his their its will been were more".split(" ")),
  fr: new Set("le la les de des du et en un une est pour que qui dans sur pas au aux par plus ce se il elle a".split(" ")),
  es: new Set("el la los las de del y en un una es que por para con no se al lo como su más".split(" ")),
  it: new Set("il la le di del della e in un una è che per con non si al da come più lo gli".split(" ")),
  nl: new Set("de het een en van in is op te dat die voor met zijn niet aan er ook als bij om".split(" ")),
  pt: new Set("o a os as de do da dos das e em um uma que para com não por se no na mais como".split(" ")),
};

/**
 * Some publishers ship the paid text in the page but scrambled (letters shifted): long, and
 * unreadable. Real prose in the languages listed here is full of function words; scrambled text
 * has almost none. Only judged for pages declaring one of these languages, and against all of
 * them, since pages get their declaration wrong.
 */
export function looksScrambled(text: string, declaredLanguage: string | undefined): boolean {
  if (!declaredLanguage || !Object.hasOwn(FUNCTION_WORDS, declaredLanguage)) return false;
  const tokens = (text.slice(0, 3000).toLowerCase().match(/[\p{L}]+/gu) ?? []).slice(0, 400);
  if (tokens.length < 40) return false;
  for (const words of Object.values(FUNCTION_WORDS)) {
    const hits = tokens.filter((t) => words.has(t)).length;
    if (hits / tokens.length >= 0.05) return false;
  }
  return true;
}

function isSiteRoot(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return (parsed.pathname === "/" || parsed.pathname === "") && parsed.search === "";
  } catch {
    return false;
  }
}

export type ArticleAssessmentKind = "article" | "short" | "paywalled" | "not_article";

/**
 * What the extracted text is: an article, a short item (a wire story of a few sentences), only a
 * paywall's teaser, or no article (a homepage, a list of teasers, a video or gallery page).
 * The extractor reports it; the summarizer decides what to refuse.
 */
export function assessArticle(a: Assessment): ArticleAssessmentKind {
  const { words, metadata } = a;
  if (words === 0) return "not_article";
  if (metadata.markedNotFree) {
    if (words < PAYWALL_THIN_WORDS) return "paywalled";
    if (looksScrambled(a.text, metadata.declaredLanguage)) return "paywalled";
  }
  if (words < PAYWALL_TEXT_THIN_WORDS && PAYWALL_TEXT.test(a.html)) return "paywalled";
  // Mostly links: a section front or a list of teasers.
  if (a.linkShare > 0.5) return "not_article";
  const claimsArticle = metadata.hasArticleJsonLd || metadata.ogType === "article" || metadata.publishedAt !== undefined;
  if (!claimsArticle && isSiteRoot(metadata.url ?? a.baseUrl)) return "not_article";
  if (words < MIN_ARTICLE_WORDS) {
    if (metadata.hasPaywallElement && words < MIN_SHORT_WORDS * 2) return "paywalled";
    return proseSentences(a.text) >= 2 && words >= MIN_SHORT_WORDS ? "short" : "not_article";
  }
  return "article";
}

/** A short item needs this many words in at least two real sentences. */
export const MIN_SHORT_WORDS = 20;

/** Sentences of five or more words ending in . ! ? (or a closing quote after one). */
export function proseSentences(text: string): number {
  let count = 0;
  for (const sentence of text.split(/(?<=[.!?]["”“»«']?)\s+(?=[\p{Lu}\p{N}"„“»«'])|\n+/u)) {
    if (/[.!?]["”“»«']?$/u.test(sentence.trim()) && (sentence.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) >= 5) count++;
  }
  return count;
}
