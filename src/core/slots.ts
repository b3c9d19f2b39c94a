import { UserFacingError } from "./errors.ts";
import { zoneForTypedText } from "./time-zone-aliases.ts";
import type { DigestSchedule } from "./store.ts";

/**
 * Digest slot math on local wall-clock time, correct across daylight-saving changes, with
 * nothing but `Intl` (Node 24 has no Temporal). Rules:
 * - one slot per local calendar day (Mon–Fri only when `weekdaysOnly`, judged in the zone);
 * - a time that does not exist that day (spring-forward gap) runs at the first instant after
 *   the gap (02:30 → 03:00 local), once;
 * - a time that exists twice (fall-back hour) runs at its first occurrence, once;
 * - `slotKey` = local date + scheduled HH:MM + the schedule's zone string as stored, e.g.
 *   "2026-03-08T07:30@America/New_York", so it is unique per local day and stable. Store the
 *   zone in one spelling (`canonicalTimeZone`) so keys do not change.
 */

export interface Slot {
  slotKey: string;
  /** The UTC instant the slot is due. */
  at: Date;
}

export interface LocalTime {
  hour: number;
  minute: number;
}

export type SlotSchedule = Pick<DigestSchedule, "time" | "timeZone" | "weekdaysOnly">;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface WallClock extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;
/** Longest stretch without a slot: a weekend plus a day a zone skipped entirely, with room. */
const MAX_SCAN_DAYS = 14;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * True for an IANA "Area/Location" zone the runtime knows (any letter case) or "UTC".
 * Bare abbreviations such as "EST" or "CET" are refused: they look like a region's time but
 * are fixed offsets or odd legacy zones, a classic way to get a digest an hour off in summer.
 */
export function isValidTimeZone(timeZone: string): boolean {
  const name = timeZone.trim();
  if (!name.includes("/") && name.toUpperCase() !== "UTC") return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The runtime's spelling of a zone as typed: an IANA name in any case ("america/new_york" →
 * "America/New_York"), a city ("Berlin", "Frankfurt", "München", "Hong Kong") or a common
 * abbreviation ("CET" → Europe/Berlin, "ET" → America/New_York; see time-zone-aliases.ts).
 */
export function canonicalTimeZone(timeZone: string): string {
  const alias = isValidTimeZone(timeZone) ? undefined : zoneForTypedText(timeZone);
  if (alias !== undefined && isValidTimeZone(alias)) return formatterFor(alias).resolvedOptions().timeZone;
  assertTimeZone(timeZone);
  return formatterFor(timeZone.trim()).resolvedOptions().timeZone;
}

function assertTimeZone(timeZone: string): string {
  if (!isValidTimeZone(timeZone)) {
    throw new UserFacingError(
      "invalid_input",
      `"${timeZone}" is not a time zone I know; pick one from the list, e.g. Europe/Berlin or America/New_York.`,
      { key: "error.badZone", params: { input: timeZone.trim().slice(0, 64) } },
    );
  }
  return timeZone.trim();
}

/** Parses a 24-hour "HH:MM" (or "H:MM"). Throws UserFacingError("invalid_input"). */
export function parseHHMM(text: string): LocalTime {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (match === null || hour > 23 || minute > 59) {
    throw new UserFacingError("invalid_input", `"${text}" is not a time of day; use 24-hour HH:MM, e.g. 07:30.`, { key: "error.badTime", params: { input: text } });
  }
  return { hour, minute };
}

export function formatHHMM(time: LocalTime): string {
  return `${pad(time.hour, 2)}:${pad(time.minute, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function assertDate(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date`);
  return ms;
}

/** UTC milliseconds of a wall-clock reading, correct for every year (Date.UTC maps 0–99 to 19xx). */
function wallToUtcMs(wall: LocalDate & Partial<WallClock>): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0, 0);
  return date.getTime();
}

function wallClock(ms: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return {
    year: fields["year"] ?? 0,
    month: fields["month"] ?? 1,
    day: fields["day"] ?? 1,
    hour: fields["hour"] ?? 0,
    minute: fields["minute"] ?? 0,
    second: fields["second"] ?? 0,
  };
}

/** Local minus UTC, in milliseconds, at an instant (whole seconds). */
function offsetMs(ms: number, timeZone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return wallToUtcMs(wallClock(wholeSecond, timeZone)) - wholeSecond;
}

/**
 * The instant a local wall-clock time occurs: the first occurrence when it occurs twice, and
 * the end of the gap (the first valid local time) when it does not occur at all.
 */
function instantOfWallTime(date: LocalDate, time: LocalTime, timeZone: string): number {
  const wallMs = wallToUtcMs({ ...date, hour: time.hour, minute: time.minute });
  // The true instant is within 14 h of `wallMs`; one day either side brackets any transition.
  const offsets = [
    ...new Set([offsetMs(wallMs - DAY_MS, timeZone), offsetMs(wallMs, timeZone), offsetMs(wallMs + DAY_MS, timeZone)]),
  ];
  const occurrences = offsets.map((offset) => wallMs - offset).filter((ms) => offsetMs(ms, timeZone) === wallMs - ms);
  if (occurrences.length > 0) return Math.min(...occurrences);

  // In a gap: before the transition the wall clock reads earlier than wanted, after it later.
  const isPastWall = (ms: number): boolean => ms + offsetMs(ms, timeZone) > wallMs;
  let before = wallMs - Math.max(...offsets);
  let after = wallMs - Math.min(...offsets);
  if (isPastWall(before) || !isPastWall(after)) return after;
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (isPastWall(middle)) after = middle;
    else before = middle;
  }
  return after;
}

function localDateOf(ms: number, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(ms, timeZone);
  return { year, month, day };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(wallToUtcMs(date) + days * DAY_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function isWeekend(date: LocalDate): boolean {
  const weekday = new Date(wallToUtcMs(date)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

function formatLocalDate(date: LocalDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

interface ResolvedSchedule {
  time: LocalTime;
  timeZone: string;
  weekdaysOnly: boolean;
}

function resolveSchedule(schedule: SlotSchedule): ResolvedSchedule {
  return { time: parseHHMM(schedule.time), timeZone: assertTimeZone(schedule.timeZone), weekdaysOnly: schedule.weekdaysOnly };
}

function slotOnDate(date: LocalDate, schedule: ResolvedSchedule): Slot | undefined {
  if (schedule.weekdaysOnly && isWeekend(date)) return undefined;
  return {
    slotKey: `${formatLocalDate(date)}T${formatHHMM(schedule.time)}@${schedule.timeZone}`,
    at: new Date(instantOfWallTime(date, schedule.time, schedule.timeZone)),
  };
}

/**
 * The slot of the local calendar day (in the schedule's zone) that `date` falls on, whether
 * before or after `date`; undefined on a weekend when `weekdaysOnly`.
 * Throws UserFacingError("invalid_input") for an invalid zone or time.
 */
export function slotFor(date: Date, schedule: SlotSchedule): Slot | undefined {
  const resolved = resolveSchedule(schedule);
  return slotOnDate(localDateOf(assertDate(date, "date"), resolved.timeZone), resolved);
}

/** The most recent slot due at or before `now`. */
export function latestSlotAtOrBefore(now: Date, schedule: SlotSchedule): Slot {
  const resolved = resolveSchedule(schedule);
  const nowMs = assertDate(now, "now");
  const today = localDateOf(nowMs, resolved.timeZone);
  for (let back = 0; back <= MAX_SCAN_DAYS; back += 1) {
    const slot = slotOnDate(addDays(today, -back), resolved);
    if (slot !== undefined && slot.at.getTime() <= nowMs) return slot;
  }
  throw new Error(`no slot in the ${MAX_SCAN_DAYS} days before ${now.toISOString()}`);
}

/** The first slot due strictly after `now`. */
export function nextSlotAfter(now: Date, schedule: SlotSchedule): Slot {
  const resolved = resolveSchedule(schedule);
  const nowMs = assertDate(now, "now");
  const today = localDateOf(nowMs, resolved.timeZone);
  // Start a day early, defensively: a gap across midnight would move a slot into the next date.
  for (let ahead = -1; ahead <= MAX_SCAN_DAYS; ahead += 1) {
    const slot = slotOnDate(addDays(today, ahead), resolved);
    if (slot !== undefined && slot.at.getTime() > nowMs) return slot;
  }
  throw new Error(`no slot in the ${MAX_SCAN_DAYS} days after ${now.toISOString()}`);
}

/**
 * Slots whose instant falls in (lastTick, now], oldest first. Consecutive ticks therefore see
 * each slot exactly once. Catch-up policy (how far back to deliver) belongs to the caller.
 */
export function dueSlots(now: Date, lastTick: Date, schedule: SlotSchedule): Slot[] {
  const resolved = resolveSchedule(schedule);
  const nowMs = assertDate(now, "now");
  const lastMs = assertDate(lastTick, "lastTick");
  if (nowMs <= lastMs) return [];
  const lastDateMs = wallToUtcMs(localDateOf(nowMs, resolved.timeZone));
  const slots: Slot[] = [];
  // Start a day early, defensively: a gap across midnight would move a slot into the next date.
  for (let date = addDays(localDateOf(lastMs, resolved.timeZone), -1); wallToUtcMs(date) <= lastDateMs; date = addDays(date, 1)) {
    const slot = slotOnDate(date, resolved);
    if (slot === undefined) continue;
    const ms = slot.at.getTime();
    if (ms > lastMs && ms <= nowMs) slots.push(slot);
  }
  return slots;
}
