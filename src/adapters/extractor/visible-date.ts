import { bestHeading, type HeadingCandidate } from "./headline.ts";

/** A date stated in a short visible text, and how many leaf elements of the page came before it. */
export interface VisibleDate {
  leafAt: number;
  iso: string;
  /**
   * Probably not when the page was published (in a comment, menu, sidebar, teaser or quote,
   * or labelled as an update): taken only for want of another.
   */
  weak?: boolean;
}

/** Leaf elements after the headline searched for its dateline. */
const WINDOW_AFTER = 200;
/** A dateline may sit just above the headline (with the kicker). */
const WINDOW_BEFORE = 12;

/**
 * The page's visible date: the first one after the headline (the heading that matches the
 * declared title, else the first <h1>, else the first heading), else one just above it; a page
 * without headings takes the first date it shows.
 */
export function dateAfterHeadline(dates: readonly VisibleDate[], headings: readonly HeadingCandidate[], declared: ReadonlyArray<string | undefined>, siteName: string | undefined): string | undefined {
  const own = dates.filter((d) => !d.weak);
  return nearHeadline(own, headings, declared, siteName) ?? (own.length < dates.length ? nearHeadline(dates, headings, declared, siteName) : undefined);
}

function nearHeadline(dates: readonly VisibleDate[], headings: readonly HeadingCandidate[], declared: ReadonlyArray<string | undefined>, siteName: string | undefined): string | undefined {
  if (dates.length === 0) return undefined;
  if (headings.length === 0) return dates[0]?.iso;
  const anchors = [bestHeading(headings, declared, siteName), headings.find((h) => h.tag === "H1"), headings[0]];
  for (const anchor of anchors) {
    if (anchor?.leafAt === undefined) continue;
    const start = anchor.leafAt;
    const after = dates.find((d) => d.leafAt >= start && d.leafAt - start <= WINDOW_AFTER);
    if (after) return after.iso;
    const before = dates.findLast((d) => d.leafAt < start && start - d.leafAt <= WINDOW_BEFORE);
    if (before) return before.iso;
  }
  return undefined;
}
