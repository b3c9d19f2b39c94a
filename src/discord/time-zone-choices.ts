/** Time-zone choices for the /digest schedule autocomplete. */
import { isValidTimeZone } from "../core/slots.ts";

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
