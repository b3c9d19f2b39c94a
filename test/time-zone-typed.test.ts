import { describe, expect, it } from "vitest";
import { canonicalTimeZone, isValidTimeZone } from "../src/core/slots.ts";
import { UserFacingError } from "../src/core/errors.ts";
import { timeZoneChoices } from "../src/discord/time-zone-choices.ts";

const TYPED: Record<string, string> = {
  Berlin: "Europe/Berlin", Frankfurt: "Europe/Berlin", Munich: "Europe/Berlin", "München": "Europe/Berlin",
  Zurich: "Europe/Zurich", "Zürich": "Europe/Zurich", "Hong Kong": "Asia/Hong_Kong", "New York": "America/New_York",
  CET: "Europe/Berlin", CEST: "Europe/Berlin", EST: "America/New_York", ET: "America/New_York", PT: "America/Los_Angeles",
  HKT: "Asia/Hong_Kong", JST: "Asia/Tokyo", GMT: "UTC", UTC: "UTC", "europe/berlin": "Europe/Berlin", tokyo: "Asia/Tokyo",
};

describe("time zones as people type them", () => {
  it("validation maps cities and abbreviations to the zone that keeps summer time", () => {
    for (const [typed, zone] of Object.entries(TYPED)) expect(canonicalTimeZone(typed), typed).toBe(zone);
    expect(() => canonicalTimeZone("Atlantis")).toThrow(UserFacingError);
    try {
      canonicalTimeZone("Atlantis");
    } catch (err) {
      expect((err as UserFacingError).key).toBe("error.badZone");
    }
  });

  it("autocomplete offers the zone first, as a valid IANA value", () => {
    for (const [typed, zone] of Object.entries(TYPED)) {
      const [first] = timeZoneChoices(typed);
      expect(first?.value, typed).toBe(zone);
      expect(isValidTimeZone(first?.value ?? "")).toBe(true);
    }
    expect(timeZoneChoices("CET")[0]?.name).toBe("CET → Europe/Berlin");
    expect(timeZoneChoices("fra").map((c) => c.value)).toContain("Europe/Berlin");
    expect(timeZoneChoices("").length).toBeGreaterThan(0);
  });
});
