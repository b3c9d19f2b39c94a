/** Month names and abbreviations: English, German, French, Spanish, Italian, Portuguese, Dutch. */
const MONTHS: Record<string, number> = {
  jan: 1, january: 1, januar: 1, jänner: 1, janvier: 1, enero: 1, gennaio: 1, janeiro: 1, januari: 1,
  feb: 2, february: 2, februar: 2, feber: 2, février: 2, febrero: 2, febbraio: 2, fevereiro: 2, februari: 2,
  mar: 3, march: 3, mär: 3, märz: 3, maerz: 3, mars: 3, marzo: 3, março: 3, maart: 3,
  apr: 4, april: 4, avril: 4, abril: 4, aprile: 4,
  may: 5, mai: 5, mayo: 5, maggio: 5, maio: 5, mei: 5,
  jun: 6, june: 6, juni: 6, juin: 6, junio: 6, giugno: 6, junho: 6,
  jul: 7, july: 7, juli: 7, juillet: 7, julio: 7, luglio: 7, julho: 7,
  aug: 8, august: 8, août: 8, agosto: 8, augustus: 8,
  sep: 9, sept: 9, september: 9, septembre: 9, septiembre: 9, setiembre: 9, settembre: 9, setembro: 9,
  oct: 10, october: 10, okt: 10, oktober: 10, octobre: 10, octubre: 10, ottobre: 10, outubro: 10,
  nov: 11, november: 11, novembre: 11, noviembre: 11, novembro: 11,
  dec: 12, december: 12, dez: 12, dezember: 12, décembre: 12, diciembre: 12, dicembre: 12, dezembro: 12,
};

const pad = (n: number): string => String(n).padStart(2, "0");

function plausible(year: number, month: number, day: number): boolean {
  const maxYear = new Date().getUTCFullYear() + 1;
  return year >= 1990 && year <= maxYear && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function localIso(year: number, month: number, day: number, hour?: number, minute?: number, second = 0): string | undefined {
  if (!plausible(year, month, day)) return undefined;
  const date = `${year}-${pad(month)}-${pad(day)}`;
  if (hour === undefined || minute === undefined) return date;
  if (hour > 23 || minute > 59 || second > 59) return date;
  return `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

/** An offset as ISO 8601 writes it ("+02:00"), with UTC as "Z". */
function isoOffset(zone: string): string {
  const offset = /^(?:GMT|UTC)?([+-])(\d{2}):?(\d{2})$/i.exec(zone);
  if (!offset || /^[+-]00:?00$/.test(`${offset[1]}${offset[2]}${offset[3]}`)) return "Z";
  return `${offset[1]}${offset[2]}:${offset[3]}`;
}

/**
 * A date-time with a month name and a zone, in the page's own offset: RFC 2822
 * ("Sat, 19 Oct 2019 00:04:00 +0200") and JavaScript's Date#toString ("Tue Feb 20 2018
 * 01:00:00 GMT+0100 (…)"). Converting it to UTC would move the calendar day the page states.
 */
function zonedWithMonthName(s: string): string | undefined {
  const rfc = /^(?:[a-z]{3},?\s+)?(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|UT|Z|[+-]\d{2}:?\d{2})$/i.exec(s);
  const js = rfc ? undefined : /^[a-z]{3}\s+([a-z]{3})\s+(\d{1,2})\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+(GMT[+-]\d{4})/i.exec(s);
  const [day, monthName, year, hour, minute, second, zone] = rfc ? rfc.slice(1) : js ? [js[2], js[1], ...js.slice(3)] : [];
  const month = MONTHS[(monthName ?? "").toLowerCase()];
  if (!month || zone === undefined) return undefined;
  const local = localIso(Number(year), month, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  if (!local || local.length === 10) return local;
  const offset = isoOffset(zone);
  return offset === "Z" ? `${local}.000Z` : `${local}${offset}`;
}

/**
 * Normalizes a date as pages state it to ISO 8601: an instant in UTC when the page gives a
 * time zone, a local date-time when it gives a time without one, else a calendar date.
 * Returns undefined for anything implausible.
 */
export function normalizeDate(input: string): string | undefined {
  const s = input.trim();
  if (s.length === 0 || s.length > 80) return undefined;

  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?/i.exec(s);
  if (iso) {
    const [, y, mo, d, h, mi, sec, zone] = iso;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    if (!plausible(year, month, day)) return undefined;
    if (h === undefined || mi === undefined) return localIso(year, month, day);
    if (zone) {
      const zoned = zone.toUpperCase() === "Z" ? "Z" : zone.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
      const parsed = new Date(`${y}-${mo}-${d}T${h}:${mi}:${sec ?? "00"}${zoned}`);
      if (Number.isNaN(parsed.getTime())) return localIso(year, month, day);
      // The page's own offset is kept, so the date part is the calendar day the page states.
      if (zoned === "Z" || /^[+-]00:?00$/.test(zoned)) return parsed.toISOString();
      return `${localIso(year, month, day, Number(h), Number(mi), Number(sec ?? 0))}${zoned}`;
    }
    return localIso(year, month, day, Number(h), Number(mi), Number(sec ?? 0));
  }

  const compact = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$/.exec(s);
  if (compact) {
    const [, y, mo, d, h, mi, sec] = compact;
    return localIso(Number(y), Number(mo), Number(d), h === undefined ? undefined : Number(h), mi === undefined ? undefined : Number(mi), Number(sec ?? 0));
  }

  // 19.11.2019, 10:48 Uhr / 19.11.2019 um 10:48 (not inside a longer number such as a version)
  const dotted = /(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\.?\d)(?:\D{1,8}(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?/.exec(s);
  if (dotted) {
    const [, d, mo, y, h, mi, sec] = dotted;
    return localIso(Number(y), Number(mo), Number(d), h === undefined ? undefined : Number(h), mi === undefined ? undefined : Number(mi), Number(sec ?? 0));
  }

  const zoned = zonedWithMonthName(s);
  if (zoned) return zoned;

  // Other forms that end in a zone ("Tuesday, November 19, 2019 10:48 GMT"): as an instant in UTC.
  if (/\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|[+-]\d{4})$/i.test(s)) {
    const parsed = Date.parse(s);
    if (!Number.isNaN(parsed)) {
      const date = new Date(parsed);
      if (plausible(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())) return date.toISOString();
    }
  }

  // 19. November 2019 / 19 Nov 2019 / November 19, 2019 (with an optional time after it)
  const lower = s.toLowerCase();
  // "3 de mayo de 2022" (Spanish, Portuguese) too.
  const dayFirst = /(\d{1,2})(?:\.\s*|\s+)(?:de\s+)?([a-zäéûç]{3,10})\.?,?\s+(?:de\s+)?(\d{4})/.exec(lower);
  const monthFirst = /([a-zäéû]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})/.exec(lower);
  const named = dayFirst && MONTHS[dayFirst[2] ?? ""] ? { day: dayFirst[1], month: dayFirst[2], year: dayFirst[3], end: dayFirst.index + dayFirst[0].length }
    : monthFirst && MONTHS[monthFirst[1] ?? ""] ? { day: monthFirst[2], month: monthFirst[1], year: monthFirst[3], end: monthFirst.index + monthFirst[0].length }
    : undefined;
  if (named) {
    const month = MONTHS[named.month ?? ""] ?? 0;
    const time = /^\D{0,8}?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?/.exec(lower.slice(named.end));
    let hour = time ? Number(time[1]) : undefined;
    if (hour !== undefined && time?.[4] === "pm" && hour < 12) hour += 12;
    if (hour !== undefined && time?.[4] === "am" && hour === 12) hour = 0;
    return localIso(Number(named.year), month, Number(named.day), hour, time ? Number(time[2]) : undefined, Number(time?.[3] ?? 0));
  }

  return undefined;
}

/**
 * A date in a URL's path: /2019/10/21/, /2020-02/19/, /20220124-…, /29-10-2021; undefined
 * without year, month and day.
 */
export function dateFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const separated = /\/((?:19|20)\d{2})[/_-](\d{1,2})[/_-](\d{1,2})(?=[/_.-]|$)/.exec(path);
  const compact = separated ? undefined : /(?:^|[/_-])((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-]|$)/.exec(path);
  const match = separated ?? compact;
  if (match) return localIso(Number(match[1]), Number(match[2]), Number(match[3]));
  return yearLastDateInPath(path);
}

/**
 * A date written day or month first in a path ("/meldungen/29-10-2021"), read only where the
 * order is certain: one of the first two numbers is above 12.
 */
function yearLastDateInPath(path: string): string | undefined {
  const match = /[/_-](\d{1,2})[-_.](\d{1,2})[-_.]((?:19|20)\d{2})(?=[/_.-]|$)/.exec(path);
  if (!match) return undefined;
  const [first, second, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (first > 12 && second <= 12) return localIso(year, second, first);
  if (second > 12 && first <= 12) return localIso(year, first, second);
  return undefined;
}

/** German and English date words that may open a dateline ("Veröffentlicht am 8. August 2025"). */
const DATE_TEXT_MAX_CHARS = 90;

/** A text that is only a date with a two-digit year ("23.09.22", "am 28.01.22, 12:45 Uhr"). */
const SHORT_YEAR_DATE = /^(?:[^\p{L}\d]{0,6}|(?:am|vom)\s+)(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?:,?\s*(?:um\s*)?(\d{1,2})[:.](\d{2})(?:\s*uhr)?)?\s*$/iu;

/** A two-digit year is read as this century's: a dateline of a page from the last one writes all four. */
function shortYearDate(text: string): string | undefined {
  const match = SHORT_YEAR_DATE.exec(text);
  if (!match) return undefined;
  const [, d, mo, y, h, mi] = match;
  return localIso(2000 + Number(y), Number(mo), Number(d), h === undefined ? undefined : Number(h), mi === undefined ? undefined : Number(mi));
}

/** A date stated in a short piece of visible text (a dateline), or undefined. */
export function dateFromText(text: string): string | undefined {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length < 6 || t.length > DATE_TEXT_MAX_CHARS) return undefined;
  if (!/\d{4}/.test(t)) return shortYearDate(t);
  const iso = /\b((?:19|20)\d{2}-\d{2}-\d{2})\b/.exec(t)?.[1];
  if (iso) return normalizeDate(iso)?.slice(0, 10);
  return normalizeDate(t);
}
