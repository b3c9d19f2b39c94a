/** Time-zone choices for the /digest schedule autocomplete. */
import type { APIApplicationCommandOptionChoice } from "discord-api-types/v10";
import { isValidTimeZone } from "../core/slots.ts";
import { timeZoneAliasEntries, timeZoneKey, zoneForTypedText } from "../core/time-zone-aliases.ts";

/** Modern IANA names some ICU builds list only under their old spelling. */
const EXTRA_ZONE_NAMES = ["Asia/Kolkata", "Europe/Kyiv", "Asia/Ho_Chi_Minh", "Asia/Kathmandu", "America/Nuuk", "Asia/Yangon"];

/** Offered for an empty query: the zones of the big markets. */
const POPULAR_ZONES = [
  "UTC",
  "America/New_York",
  "America/Chicago",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Zurich",
  "Europe/Paris",
  "Asia/Tokyo",
  "Asia/Hong_Kong",
  "Asia/Shanghai",
  "Asia/Singapore",
  "Asia/Kolkata",
  "Australia/Sydney",
];

let zoneList: string[] | undefined;

function allZones(): string[] {
  if (zoneList === undefined) {
    const names = ["UTC", ...Intl.supportedValuesOf("timeZone"), ...EXTRA_ZONE_NAMES].filter(isValidTimeZone);
    zoneList = [...new Set(names)];
  }
  return zoneList;
}

/**
 * Zone names for autocomplete, case-insensitive, spaces read as "_": names starting with the
 * query first, then names with a part ("Europe/Berlin" → "Berlin") starting with it, then
 * names containing it. An empty query lists the big markets' zones.
 */
export function timeZoneSuggestions(query: string, limit = 25): string[] {
  const needle = query.trim().toLowerCase().replace(/\s+/g, "_");
  const zones = allZones();
  if (needle === "") return POPULAR_ZONES.filter((zone) => zones.includes(zone)).slice(0, limit);
  const prefix: string[] = [];
  const partPrefix: string[] = [];
  const substring: string[] = [];
  for (const zone of zones) {
    const lower = zone.toLowerCase();
    if (lower.startsWith(needle)) prefix.push(zone);
    else if ([...lower.matchAll(/[/_]/g)].some((separator) => lower.startsWith(needle, separator.index + 1))) partPrefix.push(zone);
    else if (lower.includes(needle)) substring.push(zone);
  }
  return [...prefix, ...partPrefix, ...substring].slice(0, limit);
}

function titleCase(key: string): string {
  return key.split("_").map((word) => (word.length > 0 ? word[0]?.toUpperCase() + word.slice(1) : word)).join(" ");
}

/**
 * Autocomplete choices for what people type: the zone a city or abbreviation means first
 * ("CET → Europe/Berlin", "Frankfurt → Europe/Berlin"), then zone names as timeZoneSuggestions.
 * The value is always the IANA zone, so the choice is valid as sent.
 */
export function timeZoneChoices(query: string, limit = 25): APIApplicationCommandOptionChoice<string>[] {
  const key = timeZoneKey(query);
  const out: APIApplicationCommandOptionChoice<string>[] = [];
  const seen = new Set<string>();
  const add = (name: string, zone: string) => {
    if (out.length >= limit || seen.has(zone) || !isValidTimeZone(zone)) return;
    seen.add(zone);
    out.push({ name: name.slice(0, 100), value: zone });
  };
  if (key !== "") {
    const exact = zoneForTypedText(query);
    if (exact !== undefined && exact.toLowerCase() !== query.trim().toLowerCase()) add(`${query.trim().slice(0, 60)} → ${exact}`, exact);
    for (const { alias, zone, abbreviation } of timeZoneAliasEntries()) {
      if (timeZoneKey(alias).startsWith(key)) add(`${abbreviation ? alias : titleCase(alias)} → ${zone}`, zone);
    }
  }
  for (const zone of timeZoneSuggestions(query, limit)) add(zone, zone);
  return out;
}
