import { describe, expect, it } from "vitest";
import { isValidTimeZone } from "../src/core/slots.ts";
import { timeZoneSuggestions } from "../src/discord/time-zone-choices.ts";

describe("timeZoneSuggestions", () => {
  it("ranks prefix matches, then matches at a name part, then substrings, case-insensitively", () => {
    expect(timeZoneSuggestions("europe/ber")).toEqual(["Europe/Berlin"]);
    expect(timeZoneSuggestions("berl")[0]).toBe("Europe/Berlin");
    expect(timeZoneSuggestions("new york")[0]).toBe("America/New_York");
    expect(timeZoneSuggestions("york")).toContain("America/New_York");
    expect(timeZoneSuggestions("utc")[0]).toBe("UTC");
    const erlin = timeZoneSuggestions("ERLIN");
    expect(erlin).toContain("Europe/Berlin");
    const amer = timeZoneSuggestions("amer");
    expect(amer).toHaveLength(25);
    expect(amer.every((zone) => zone.startsWith("America/"))).toBe(true);
    const ork = timeZoneSuggestions("ork", 100);
    expect(ork.indexOf("America/New_York")).toBeGreaterThanOrEqual(0);
    expect(timeZoneSuggestions("zzzz")).toEqual([]);
  });

  it("lists the big markets' zones for an empty query, and only valid zones", () => {
    const popular = timeZoneSuggestions("");
    expect(popular[0]).toBe("UTC");
    expect(popular).toContain("America/New_York");
    expect(popular.length).toBeLessThanOrEqual(25);
    expect(timeZoneSuggestions("", 3)).toHaveLength(3);
    for (const zone of [...popular, ...timeZoneSuggestions("a", 1000)]) expect(isValidTimeZone(zone), zone).toBe(true);
  });
});
