import type { TextBlock } from "./text-blocks.ts";

/**
 * Line-level cleaning of the extracted blocks: what survives content scoring but is still page
 * furniture (datelines, bylines, "Read more:" links, related-story lists, calls to subscribe,
 * copyright and photo credits). Every rule needs a short block; long prose is never touched.
 */

const WORD_RE = /[\p{L}\p{N}]+/gu;
/** Scripts written without spaces between words. */
const UNSPACED_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;

/** Words in `text`; in scripts without spaces, every two characters count as one word. */
export function wordCount(text: string): number {
  const unspaced = text.match(UNSPACED_RE)?.length ?? 0;
  if (unspaced === 0) return text.match(WORD_RE)?.length ?? 0;
  const spaced = text.replace(UNSPACED_RE, " ").match(WORD_RE)?.length ?? 0;
  return spaced + Math.ceil(unspaced / 2);
}

function normalizeForCompare(text: string): string {
  return (text.toLowerCase().match(WORD_RE) ?? []).join(" ");
}

const MONTH_WORDS =
  "jan(?:uary|uar)?|feb(?:ruary|ruar)?|m(?:ar(?:ch)?|ärz|aerz)|apr(?:il)?|ma[yi]|jun[ei]?|jul[yi]?|aug(?:ust)?|sep(?:t(?:ember)?)?|o[ck]t(?:ober)?|nov(?:ember)?|de[cz](?:ember)?";

/** A calendar date in any common form, or a clock time with an am/pm/Uhr/zone marker. */
const DATE_LIKE = new RegExp(
  String.raw`\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:${MONTH_WORDS})\.?\s+\d{1,2}\b|\b\d{1,2}\.?\s+(?:${MONTH_WORDS})\b|\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?|uhr|[A-Z]{2,4}\b)|\b(?:vor|ago)\s+\d+|\b\d+\s+(?:hours?|minutes?|days?|stunden?|minuten?|tagen?)\s+(?:ago|her)\b`,
  "i",
);

const DATELINE_START =
  /^(?:published|posted|updated|last updated|modified|veröffentlicht|aktualisiert|zuletzt aktualisiert|erstellt|stand|publicado|atualizado|pubblicato|aggiornato|publié|mis à jour)\b/i;

/** "— Name (@handle) November 18, 2019": the signature of an embedded post, part of the article. */
const EMBED_ATTRIBUTION = /^[—–-]\s|\(@\w+\)/;

const BYLINE_START = /^(?:by|von|text(?: und fotos?)?:|autor(?:in)?:|author:|written by|reported by)\s+\p{Lu}/iu;

const READ_MORE =
  /^\[?\(?(?:related|read more|read also|also read|see more|see also|more|also|also on [\w.]+|watch|listen|click here|lesen sie (?:auch|mehr|hier)|mehr zum thema|mehr dazu|mehr lesen|weiterlesen|auch interessant|siehe auch|zum thema|leggi anche|leia (?:também|mais)|veja também|lire aussi|lea (?:también|más)|lee también|le puede interesar|czytaj (?:też|także|więcej)|schon gelesen)\b\s*[:|»>?-]/i;

const SECTION_END =
  /^(?:you (?:may|might) (?:also )?like|more (?:news|stories|from|great|on|in|coverage|about|to explore)|related(?: (?:articles?|stories|posts?|coverage|news|content|reading|links))?|recommended(?: for you| stories| articles)?|read (?:more|next)|most (?:popular|read|viewed|shared)|popular(?: (?:now|this week|stories|posts))?|recent (?:articles|posts|stories)|trending(?: now)?|latest (?:news|stories|articles)|top stories|don'?t miss|about the author|über (?:den|die) autor(?:in)?|zur person|mehr zum thema|das könnte (?:sie|dich) auch interessieren|weitere (?:artikel|nachrichten|themen|beiträge)|weitere informationen(?=\s*:?\s*$)|auch interessant|meistgelesen|meist ?gelesene? artikel|neueste artikel|empfehlungen|lesen sie auch|themen|tags|schlagworte|join the conversation|comments?|kommentare|schon gelesen|empfohlene beiträge|weiterführende links|entdecke weitere|das thema könnte (?:sie|dich) auch interessieren|le puede interesar|lea también|czytaj (?:też|także))\b/i;

/**
 * Looser than SECTION_END ("Weitere Tourentipps", "Mehr zu Klima und Konsum"): such a heading may
 * also open a section of the article, so it only goes with a section that is a list.
 */
const MORE_HEADING =
  /^(?:weitere|mehr (?:zu|über|aus|von)|zum weiterlesen|weiterlesen|ähnliche|verwandte|neueste|aktuelle|beliebte|passend dazu|dazu passend|more|other|similar|latest|further reading)\b/i;

const CALL_TO_ACTION_START =
  /^(?:follow|subscribe|sign up|join|click here|get (?:the|our|more)|listen|download|like this story|share this|email|e-mail|write to|reach|have a (?:news )?tip|contact|want more|don'?t forget|support|become a|folgen sie|abonnieren sie|melden sie sich|jetzt (?:abonnieren|anmelden|registrieren|testen)|hier (?:geht'?s|können sie|abonnieren)|registrieren sie sich|unterstützen sie)\b/i;

const CALL_TO_ACTION_TOPIC =
  /newsletter|subscribe|sign up|signup|twitter|facebook|instagram|youtube|linkedin|podcast|@\w|\bapp\b|inbox|click|download|abonn|anmelden|whatsapp|telegram|e-?mail|\bat\s+\S+@/i;

const COPYRIGHT = /©|ⓒ|\(c\)\s*\d{4}|^copyright\b|copyright\s+\d{4}|all rights reserved|alle rechte vorbehalten|todos os direitos|tutti i diritti|무단전재/i;

const CREDIT_LINE = /^\(?(?:photos?|images?|pictures?|fotos?|bild(?:er)?|credits?|illustration|grafik|video|source|quelle)(?:\s+credits?)?\s*[:©]/i;

const AGENCY_REPORTING =
  /^\(?(?:(?:additional )?reporting by|editing by|compiled by|with reporting by|[\w\s,.'’-]{0,120} contributed (?:reporting|to this report)|mitarbeit:|mit material (?:von|der)|quelle:\s*(?:dpa|afp|reuters|ap)\b)/i;

/** Where a blog filed the post ("This entry was posted in News. Bookmark the permalink."). */
const FILING_LINE =
  /^(?:this (?:entry|post) was posted\b|(?:dieser|der) (?:beitrag|eintrag|artikel|text) wurde\b.{0,100}?\b(?:veröffentlicht|abgelegt|gepostet)\b|bookmark the permalink|setze ein lesezeichen)/i;

/**
 * A cookie notice, or the placeholder of an embed that waits for consent ("keine Verbindung zu
 * Twitter ohne dein Einverständnis"): what it asks for and whom it names, in either order.
 */
const EMBED_SERVICES = String.raw`twitter|youtube|instagram|facebook|tiktok|vimeo|spotify|soundcloud|drittanbieter\w*|third[- ]part(?:y|ies)`;
const CONSENT_WORDS = String.raw`einverständnis|einwilligung|zustimmung|zustimmen|consent`;
const CONSENT_NOTICE = new RegExp(
  String.raw`\b(?:nutzung|besuch|verwendung|use|using|browsing|continuing)\b.{0,80}\bcookies\b|\bcookies\b.{0,80}\b(?:zustimm|einverstanden|akzeptier|agree|accept|consent)|\b(?:${CONSENT_WORDS})\b.{0,120}\b(?:${EMBED_SERVICES})\b|\b(?:${EMBED_SERVICES})\b.{0,120}\b(?:${CONSENT_WORDS})\b`,
  "i",
);
/** The label such a placeholder shows instead of the embedded post. */
const EMBED_PLACEHOLDER_LABEL = /^(?:externer inhalt|external content|externe inhalte)$/i;

/** A label left where an ad was. */
const AD_LABEL = /^(?:advert(?:isement)?|ads?|anzeige|werbung|sponsored|gesponsert|promoted|publicidad|publicidade|pubblicità|publicité|iklan|реклама|广告)$/i;

type Rule = (block: TextBlock, words: number, context: RuleContext) => boolean;

interface RuleContext {
  title: string;
  /** The block sits among the first or last few: where datelines and bylines are. */
  atEdge: boolean;
}

/** Blocks from either end of the body that count as its edges. */
const EDGE_BLOCKS = 3;

const RULES: Record<string, Rule> = {
  /** The headline repeated inside the body. */
  title: (b, words, ctx) => words <= 40 && ctx.title.length > 0 && normalizeForCompare(b.text) === ctx.title,
  dateline: (b, words, ctx) =>
    words <= 16 &&
    !EMBED_ATTRIBUTION.test(b.text) &&
    ((DATELINE_START.test(b.text) && /\d/.test(b.text)) || (ctx.atEdge && words <= 10 && DATE_LIKE.test(b.text) && !/[.!?"”]$/.test(b.text))),
  byline: (b, words, ctx) => ctx.atEdge && words <= 12 && BYLINE_START.test(b.text) && !/[.!?]$/.test(b.text),
  readMore: (b, words) => words <= 30 && READ_MORE.test(b.text),
  callToAction: (b, words) => words <= 45 && CALL_TO_ACTION_START.test(b.text) && CALL_TO_ACTION_TOPIC.test(b.text),
  copyright: (b, words) => words <= 30 && COPYRIGHT.test(b.text),
  filing: (b, words) => words <= 40 && FILING_LINE.test(b.text),
  consent: (b, words) => (words <= 50 && CONSENT_NOTICE.test(b.text)) || (words <= 2 && EMBED_PLACEHOLDER_LABEL.test(b.text.trim())),
  adLabel: (b, words) => words <= 2 && AD_LABEL.test(b.text.trim()),
  credit: (b, words) => words <= 15 && CREDIT_LINE.test(b.text),
  agency: (b, words) => words <= 60 && AGENCY_REPORTING.test(b.text),
  /** A short block that is one link: a teaser for another story. */
  linkOnly: (b, words) => words <= 25 && b.linkChars > 0 && b.linkChars >= 0.9 * b.text.length,
};

export interface PostCleanOptions {
  title?: string;
  disabled?: ReadonlySet<string>;
  /** Called for every block dropped, with the rule that dropped it. */
  onDrop?: (block: TextBlock, rule: string) => void;
}

const HEADING_RANK: Record<string, number> = { H1: 1, H2: 2, H3: 3, H4: 4, H5: 5, H6: 6 };

/**
 * Index after the section that `blocks[start]` heads: up to the next heading of the same or a
 * higher rank when it is a heading element, else to the end.
 */
function sectionEnd(blocks: readonly TextBlock[], start: number): number {
  const rank = HEADING_RANK[blocks[start]?.tag ?? ""];
  if (rank === undefined) return blocks.length;
  for (let j = start + 1; j < blocks.length; j++) {
    const other = HEADING_RANK[blocks[j]?.tag ?? ""];
    if (other !== undefined && other <= rank) return j;
  }
  return blocks.length;
}

function isShortOrLinky(b: TextBlock): boolean {
  const words = wordCount(b.text);
  return words <= 30 || b.linkChars >= 0.5 * b.text.length;
}

/** Drops furniture blocks; returns the blocks kept. */
export function cleanBlocks(blocks: readonly TextBlock[], options: PostCleanOptions = {}): TextBlock[] {
  const disabled = options.disabled ?? new Set<string>();
  const title = options.title ? normalizeForCompare(options.title) : "";
  const activeRules = Object.entries(RULES).filter(([name]) => !disabled.has(name));
  const kept: TextBlock[] = [];

  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!block) continue;
    const words = wordCount(block.text);
    if (words === 0) continue;

    // A "More stories" style heading over only short or link-heavy blocks: its section is a list.
    if (!disabled.has("sectionEnd") && words <= 8) {
      const strict = SECTION_END.test(block.text);
      if (strict || (words <= 6 && block.tag in HEADING_RANK && MORE_HEADING.test(block.text))) {
        const rest = blocks.slice(i + 1);
        const end = rest.every(isShortOrLinky) ? blocks.length : sectionEnd(blocks, i);
        if (blocks.slice(i + 1, end).every(isShortOrLinky)) {
          for (const b of blocks.slice(i, end)) options.onDrop?.(b, "sectionEnd");
          i = end - 1;
          continue;
        }
        if (strict) {
          options.onDrop?.(block, "sectionHeading");
          continue;
        }
      }
    }

    const ctx: RuleContext = { title, atEdge: i < EDGE_BLOCKS || i >= blocks.length - EDGE_BLOCKS };
    const hit = activeRules.find(([, rule]) => rule(block, words, ctx));
    if (hit) {
      options.onDrop?.(block, hit[0]);
      continue;
    }

    kept.push(block);
  }
  if (!disabled.has("tail")) trimTail(kept, options);
  return kept;
}

/** Blocks at the end that may be dropped as the page's furniture ("Schon gelesen?", "Teilen:", "Quelle"). */
const MAX_TAIL_BLOCKS = 4;
const TAIL_WORDS = 8;

/**
 * The end of an extracted text is where furniture survives content scoring: a question to the
 * reader, a label before a list, a line of link text. A short last block that is not a sentence
 * (no closing punctuation) or asks or announces something (ends in "?" or ":") is dropped, up to
 * a few; a real closing sentence stops it.
 */
function trimTail(kept: TextBlock[], options: PostCleanOptions): void {
  for (let dropped = 0; dropped < MAX_TAIL_BLOCKS && kept.length > 3; dropped++) {
    const last = kept.at(-1);
    if (!last) return;
    const text = last.text.trim();
    const words = wordCount(text);
    const furniture = words <= TAIL_WORDS && (/[?:]$/.test(text) || !/[.!…"”“»)\]]$/u.test(text));
    if (!furniture) return;
    kept.pop();
    options.onDrop?.(last, "tail");
  }
}
