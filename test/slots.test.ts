import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserFacingError } from "../src/core/errors.ts";
import {
  canonicalTimeZone,
  dueSlots,
  isValidTimeZone,
  latestSlotAtOrBefore,
  nextSlotAfter,
  parseHHMM,
  slotFor,
  type Slot,
  type SlotSchedule,
} from "../src/core/slots.ts";

const daily = (time: string, timeZone: string): SlotSchedule => ({ time, timeZone, weekdaysOnly: false });
const weekdays = (time: string, timeZone: string): SlotSchedule => ({ time, timeZone, weekdaysOnly: true });
const utc = (iso: string) => new Date(iso);

/** Independent reading of the wall clock: "YYYY-MM-DD HH:MM:SS" (Swedish locale formats ISO-like). */
function wall(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

function expectUserFacing(run: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(UserFacingError);
  expect((error as UserFacingError).code).toBe("invalid_input");
  expect((error as UserFacingError).message).toMatch(pattern);
}

describe("validation", () => {
  it("accepts IANA zones in any case and UTC; refuses unknown names and bare abbreviations", () => {
    for (const zone of ["America/New_York", "europe/berlin", "Asia/Tokyo", "UTC", "utc", "Etc/GMT+5", "Asia/Kolkata"]) {
      expect(isValidTimeZone(zone), zone).toBe(true);
    }
    for (const zone of ["Mars/Olympus_Mons", "EST", "CET", "", "  ", "+01:00", "New York"]) {
      expect(isValidTimeZone(zone), zone).toBe(false);
    }
    expect(canonicalTimeZone(" america/new_york ")).toBe("America/New_York");
    expectUserFacing(() => canonicalTimeZone("Mars/Olympus_Mons"), /not a time zone I know/);
  });

  it("parses 24-hour HH:MM and refuses anything else", () => {
    expect(parseHHMM("07:30")).toEqual({ hour: 7, minute: 30 });
    expect(parseHHMM(" 7:05 ")).toEqual({ hour: 7, minute: 5 });
    expect(parseHHMM("00:00")).toEqual({ hour: 0, minute: 0 });
    expect(parseHHMM("23:59")).toEqual({ hour: 23, minute: 59 });
    for (const bad of ["24:00", "07:60", "0730", "7.30", "7:3", "", "07:30 pm", "-1:00", "123:00"]) {
      expectUserFacing(() => parseHHMM(bad), /not a time of day; use 24-hour HH:MM/);
    }
  });

  it("slot functions reject an invalid zone or time, and an invalid Date", () => {
    const now = utc("2026-03-02T12:00:00Z");
    expectUserFacing(() => slotFor(now, daily("07:30", "Europe/Berlinn")), /time zone/);
    expectUserFacing(() => dueSlots(now, utc("2026-03-01T00:00:00Z"), daily("25:00", "Europe/Berlin")), /time of day/);
    expectUserFacing(() => nextSlotAfter(now, daily("7", "Europe/Berlin")), /time of day/);
    expect(() => latestSlotAtOrBefore(new Date(Number.NaN), daily("07:30", "Europe/Berlin"))).toThrow(RangeError);
  });
});

describe("slotFor", () => {
  it("places slots at the local time of non-UTC zones, winter and summer", () => {
    const cases: Array<[string, string, string, string]> = [
      ["2026-03-02T15:00:00Z", "America/New_York", "07:30", "2026-03-02T12:30:00.000Z"],
      ["2026-07-01T15:00:00Z", "America/New_York", "07:30", "2026-07-01T11:30:00.000Z"],
      ["2026-01-15T12:00:00Z", "Europe/Berlin", "07:30", "2026-01-15T06:30:00.000Z"],
      ["2026-07-15T12:00:00Z", "Europe/Berlin", "07:30", "2026-07-15T05:30:00.000Z"],
      ["2026-01-15T12:00:00Z", "Asia/Tokyo", "07:30", "2026-01-14T22:30:00.000Z"],
      ["2026-01-15T12:00:00Z", "Asia/Kolkata", "07:30", "2026-01-15T02:00:00.000Z"],
      ["2026-01-15T12:00:00Z", "Asia/Kathmandu", "09:00", "2026-01-15T03:15:00.000Z"],
      ["2026-01-15T12:00:00Z", "UTC", "00:00", "2026-01-15T00:00:00.000Z"],
    ];
    for (const [date, zone, time, expected] of cases) {
      expect(slotFor(utc(date), daily(time, zone))?.at.toISOString(), `${zone} ${date}`).toBe(expected);
    }
  });

  it("uses the local calendar day of the given instant for the key", () => {
    // 2026-03-06T23:30Z is Saturday 08:30 in Tokyo but Friday 18:30 in New York.
    expect(slotFor(utc("2026-03-06T23:30:00Z"), daily("07:30", "Asia/Tokyo"))).toEqual({
      slotKey: "2026-03-07T07:30@Asia/Tokyo",
      at: utc("2026-03-06T22:30:00Z"),
    });
    expect(slotFor(utc("2026-03-06T23:30:00Z"), daily("07:30", "America/New_York"))?.slotKey).toBe(
      "2026-03-06T07:30@America/New_York",
    );
  });

  it("spring forward: a time in the gap runs at the first valid instant after it (New York, Berlin)", () => {
    expect(slotFor(utc("2026-03-08T12:00:00Z"), daily("02:30", "America/New_York"))).toEqual({
      slotKey: "2026-03-08T02:30@America/New_York",
      at: utc("2026-03-08T07:00:00Z"), // 03:00 EDT
    });
    expect(slotFor(utc("2026-03-08T12:00:00Z"), daily("02:00", "America/New_York"))?.at).toEqual(utc("2026-03-08T07:00:00Z"));
    expect(slotFor(utc("2026-03-08T12:00:00Z"), daily("03:00", "America/New_York"))?.at).toEqual(utc("2026-03-08T07:00:00Z"));
    expect(slotFor(utc("2026-03-08T12:00:00Z"), daily("01:59", "America/New_York"))?.at).toEqual(utc("2026-03-08T06:59:00Z"));
    expect(slotFor(utc("2026-03-29T12:00:00Z"), daily("02:30", "Europe/Berlin"))).toEqual({
      slotKey: "2026-03-29T02:30@Europe/Berlin",
      at: utc("2026-03-29T01:00:00Z"), // 03:00 CEST
    });
    expect(wall(utc("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe("2026-03-29 03:00:00");
    // Southern hemisphere (Sydney springs forward in October).
    expect(slotFor(utc("2026-10-04T00:00:00Z"), daily("02:30", "Australia/Sydney"))?.at).toEqual(utc("2026-10-03T16:00:00Z"));
  });

  it("fall back: a time in the repeated hour runs at its first occurrence (New York, Berlin, Sydney)", () => {
    expect(slotFor(utc("2026-11-01T12:00:00Z"), daily("01:30", "America/New_York"))).toEqual({
      slotKey: "2026-11-01T01:30@America/New_York",
      at: utc("2026-11-01T05:30:00Z"), // 01:30 EDT, not 06:30Z (01:30 EST)
    });
    expect(slotFor(utc("2026-10-25T12:00:00Z"), daily("02:30", "Europe/Berlin"))).toEqual({
      slotKey: "2026-10-25T02:30@Europe/Berlin",
      at: utc("2026-10-25T00:30:00Z"), // 02:30 CEST, not 01:30Z (02:30 CET)
    });
    expect(slotFor(utc("2026-04-05T00:00:00Z"), daily("02:30", "Australia/Sydney"))?.at).toEqual(utc("2026-04-04T15:30:00Z"));
  });

  it("weekdays only: the weekend is judged in the channel's zone", () => {
    const fridayNightUtc = utc("2026-03-06T23:30:00Z");
    expect(slotFor(fridayNightUtc, weekdays("07:30", "Asia/Tokyo"))).toBeUndefined(); // Saturday in Tokyo
    expect(slotFor(fridayNightUtc, weekdays("07:30", "America/New_York"))?.slotKey).toBe("2026-03-06T07:30@America/New_York");
    expect(slotFor(fridayNightUtc, daily("07:30", "Asia/Tokyo"))?.slotKey).toBe("2026-03-07T07:30@Asia/Tokyo");
  });
});

describe("latestSlotAtOrBefore / nextSlotAfter", () => {
  const schedule = daily("07:30", "America/New_York");

  it("includes a slot at exactly now in the latest, and excludes it from the next", () => {
    const slotInstant = utc("2026-03-02T12:30:00Z");
    expect(latestSlotAtOrBefore(slotInstant, schedule).slotKey).toBe("2026-03-02T07:30@America/New_York");
    expect(nextSlotAfter(slotInstant, schedule).slotKey).toBe("2026-03-03T07:30@America/New_York");
    expect(latestSlotAtOrBefore(new Date(slotInstant.getTime() - 1), schedule).slotKey).toBe("2026-03-01T07:30@America/New_York");
    expect(nextSlotAfter(new Date(slotInstant.getTime() - 1), schedule).slotKey).toBe("2026-03-02T07:30@America/New_York");
  });

  it("skips the weekend in the zone", () => {
    const tokyo = weekdays("07:30", "Asia/Tokyo");
    const fridayNightUtc = utc("2026-03-06T23:30:00Z"); // Saturday 08:30 in Tokyo
    expect(nextSlotAfter(fridayNightUtc, tokyo)).toEqual({ slotKey: "2026-03-09T07:30@Asia/Tokyo", at: utc("2026-03-08T22:30:00Z") });
    expect(latestSlotAtOrBefore(fridayNightUtc, tokyo)).toEqual({ slotKey: "2026-03-06T07:30@Asia/Tokyo", at: utc("2026-03-05T22:30:00Z") });
    expect(latestSlotAtOrBefore(utc("2026-03-08T12:00:00Z"), tokyo).slotKey).toBe("2026-03-06T07:30@Asia/Tokyo");
  });

  it("crosses DST changes", () => {
    expect(nextSlotAfter(utc("2026-03-08T06:00:00Z"), daily("02:30", "America/New_York")).at).toEqual(utc("2026-03-08T07:00:00Z"));
    expect(nextSlotAfter(utc("2026-11-01T05:30:00Z"), daily("01:30", "America/New_York")).slotKey).toBe(
      "2026-11-02T01:30@America/New_York",
    );
    expect(latestSlotAtOrBefore(utc("2026-11-01T06:45:00Z"), daily("01:30", "America/New_York")).at).toEqual(
      utc("2026-11-01T05:30:00Z"),
    );
  });
});

describe("dueSlots", () => {
  const schedule = daily("07:30", "America/New_York"); // 12:30Z in winter

  it("yields a slot exactly once across a tick boundary: (lastTick, now]", () => {
    const ticks = ["2026-03-02T12:29:00Z", "2026-03-02T12:29:59.999Z", "2026-03-02T12:30:00Z", "2026-03-02T12:31:00Z"].map(utc);
    const seen = ticks.slice(1).map((now, i) => dueSlots(now, ticks[i] as Date, schedule).map((slot) => slot.slotKey));
    expect(seen).toEqual([[], ["2026-03-02T07:30@America/New_York"], []]);
  });

  it("returns nothing when the clock did not move forward", () => {
    const now = utc("2026-03-02T12:30:00Z");
    expect(dueSlots(now, now, schedule)).toEqual([]);
    expect(dueSlots(now, utc("2026-03-02T13:00:00Z"), schedule)).toEqual([]);
  });

  it("returns every missed slot after downtime, oldest first, weekends skipped when asked", () => {
    const lastTick = utc("2026-03-05T13:00:00Z"); // Thursday, after its slot
    const now = utc("2026-03-10T13:00:00Z"); // Tuesday, after its slot
    expect(dueSlots(now, lastTick, schedule).map((slot) => slot.slotKey)).toEqual([
      "2026-03-06T07:30@America/New_York",
      "2026-03-07T07:30@America/New_York",
      "2026-03-08T07:30@America/New_York",
      "2026-03-09T07:30@America/New_York",
      "2026-03-10T07:30@America/New_York",
    ]);
    expect(dueSlots(now, lastTick, weekdays("07:30", "America/New_York")).map((slot) => slot.slotKey)).toEqual([
      "2026-03-06T07:30@America/New_York",
      "2026-03-09T07:30@America/New_York",
      "2026-03-10T07:30@America/New_York",
    ]);
  });

  it("fires the repeated fall-back hour once, and never for the second occurrence", () => {
    const ny = daily("01:30", "America/New_York");
    const allDay = dueSlots(utc("2026-11-02T00:00:00Z"), utc("2026-11-01T00:00:00Z"), ny);
    expect(allDay).toEqual([{ slotKey: "2026-11-01T01:30@America/New_York", at: utc("2026-11-01T05:30:00Z") }]);
    // The window holding only the second 01:30 (EST) yields nothing.
    expect(dueSlots(utc("2026-11-01T06:45:00Z"), utc("2026-11-01T06:00:00Z"), ny)).toEqual([]);
    const berlin = daily("02:30", "Europe/Berlin");
    expect(dueSlots(utc("2026-10-26T00:00:00Z"), utc("2026-10-24T23:00:00Z"), berlin).map((slot) => slot.slotKey)).toEqual([
      "2026-10-25T02:30@Europe/Berlin",
    ]);
  });

  it("fires a time in the spring-forward gap once, minute ticks included", () => {
    const ny = daily("02:30", "America/New_York");
    const start = utc("2026-03-08T05:00:00Z").getTime();
    const fired: Slot[] = [];
    for (let minute = 0; minute < 240; minute += 1) {
      fired.push(...dueSlots(new Date(start + (minute + 1) * 60_000), new Date(start + minute * 60_000), ny));
    }
    expect(fired).toEqual([{ slotKey: "2026-03-08T02:30@America/New_York", at: utc("2026-03-08T07:00:00Z") }]);
  });
});

describe("dueSlots property: consecutive ticks yield each local day's slot exactly once", () => {
  const ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Australia/Sydney",
    "Australia/Lord_Howe", // 30-minute DST shift
    "America/Santiago", // changes at midnight
    "America/Havana", // changes at midnight
    "Pacific/Chatham", // +12:45 / +13:45
    "America/St_Johns", // -03:30 / -02:30
    "Africa/Casablanca", // suspends its offset during Ramadan
    "Asia/Tokyo",
    "Asia/Kolkata",
    "UTC",
  ];
  // Days around 2026 DST transitions in both hemispheres, plus anywhere in the year.
  const TRANSITIONS = ["2026-03-08", "2026-03-29", "2026-04-05", "2026-09-06", "2026-10-04", "2026-10-25", "2026-11-01"].map(
    (day) => utc(`${day}T00:00:00Z`).getTime(),
  );
  const DAY = 86_400_000;

  const start = fc.oneof(
    fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -4 * DAY, max: 2 * DAY })).map(([day, shift]) => day + shift),
    fc.integer({ min: utc("2026-01-01T00:00:00Z").getTime(), max: utc("2026-12-31T00:00:00Z").getTime() }),
  );
  const time = fc
    .tuple(fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 1, 2, 3, 23)), fc.constantFrom(0, 15, 30, 45, 59))
    .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
  // Tick lengths in ms: sub-minute jitter up to multi-day outages.
  const ticks = fc.array(fc.oneof(fc.integer({ min: 1, max: 120_000 }), fc.integer({ min: 60_000, max: 3 * DAY })), {
    minLength: 1,
    maxLength: 40,
  });

  it("holds across DST transitions in many zones", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), time, fc.boolean(), start, ticks, (timeZone, hhmm, weekdaysOnly, t0, lengths) => {
        const schedule: SlotSchedule = { time: hhmm, timeZone, weekdaysOnly };
        const instants = [t0];
        for (const length of lengths) instants.push((instants.at(-1) as number) + length);
        const fired: Slot[] = [];
        for (let i = 1; i < instants.length; i += 1) {
          const from = instants[i - 1] as number;
          const to = instants[i] as number;
          for (const slot of dueSlots(new Date(to), new Date(from), schedule)) {
            expect(slot.at.getTime()).toBeGreaterThan(from);
            expect(slot.at.getTime()).toBeLessThanOrEqual(to);
            fired.push(slot);
          }
        }
        const end = instants.at(-1) as number;

        // Exactly once: no key twice, and in date order.
        const keys = fired.map((slot) => slot.slotKey);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toEqual(keys.toSorted());
        for (let i = 1; i < fired.length; i += 1) {
          expect((fired[i] as Slot).at.getTime()).toBeGreaterThan((fired[i - 1] as Slot).at.getTime());
        }

        // Each slot is at the scheduled local time, or at the end of a gap, first occurrence.
        for (const slot of fired) {
          const date = slot.slotKey.slice(0, 10);
          const target = `${date} ${hhmm}:00`;
          const seen = wall(slot.at, timeZone);
          if (seen === target) {
            for (const back of [30, 60]) {
              expect(wall(new Date(slot.at.getTime() - back * 60_000), timeZone), `first occurrence of ${target}`).not.toBe(target);
            }
          } else {
            expect(wall(new Date(slot.at.getTime() - 1000), timeZone) < target, `gap before ${target}`).toBe(true);
            expect(seen > target, `gap end after ${target}`).toBe(true);
          }
          if (weekdaysOnly) expect([0, 6]).not.toContain(new Date(`${date}T00:00:00Z`).getUTCDay());
        }

        // Every local day strictly inside the covered period has its slot (unless a weekend).
        const firstDay = wall(new Date(t0), timeZone).slice(0, 10);
        const lastDay = wall(new Date(end), timeZone).slice(0, 10);
        const firedDays = new Set(keys.map((key) => key.slice(0, 10)));
        for (let day = new Date(`${firstDay}T00:00:00Z`).getTime() + DAY; ; day += DAY) {
          const iso = new Date(day).toISOString().slice(0, 10);
          if (iso >= lastDay) break;
          const weekend = [0, 6].includes(new Date(day).getUTCDay());
          expect(firedDays.has(iso), `slot for ${iso} in ${timeZone}`).toBe(!(weekdaysOnly && weekend));
        }
      }),
      { numRuns: 300 },
    );
  });
});
