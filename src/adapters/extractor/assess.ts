import { UserFacingError } from "../../core/errors.ts";
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

export const NOT_ARTICLE_MESSAGE =
  "That page has no article text to summarize (it may be a homepage, video or gallery). Try a link to a single article, or paste the article text.";
const PAYWALLED_MESSAGE =
  "That article is behind a paywall: only its teaser is readable. Paste the article text instead, or try a link from a free source.";

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

/** Throws UserFacingError("paywalled" | "not_article") when the page holds no readable article. */
export function assertReadableArticle(a: Assessment): void {
  const { words, metadata } = a;
  if (metadata.markedNotFree) {
    if (words < PAYWALL_THIN_WORDS) throw new UserFacingError("paywalled", PAYWALLED_MESSAGE, { key: "error.paywalled" });
    if (looksScrambled(a.text, metadata.declaredLanguage)) throw new UserFacingError("paywalled", PAYWALLED_MESSAGE, { key: "error.paywalled" });
  }
  if (words < PAYWALL_TEXT_THIN_WORDS && PAYWALL_TEXT.test(a.html)) throw new UserFacingError("paywalled", PAYWALLED_MESSAGE, { key: "error.paywalled" });
  if (words < MIN_ARTICLE_WORDS) {
    // Paywall markup alone is common on free pages (login widgets); it only names the reason.
    throw metadata.hasPaywallElement ? new UserFacingError("paywalled", PAYWALLED_MESSAGE, { key: "error.paywalled" }) : new UserFacingError("not_article", NOT_ARTICLE_MESSAGE, { key: "error.notArticle" });
  }
  // Mostly links: a section front or a list of teasers.
  if (a.linkShare > 0.5) throw new UserFacingError("not_article", NOT_ARTICLE_MESSAGE, { key: "error.notArticle" });
  const claimsArticle = metadata.hasArticleJsonLd || metadata.ogType === "article" || metadata.publishedAt !== undefined;
  if (!claimsArticle && isSiteRoot(metadata.url ?? a.baseUrl)) throw new UserFacingError("not_article", NOT_ARTICLE_MESSAGE, { key: "error.notArticle" });
}
