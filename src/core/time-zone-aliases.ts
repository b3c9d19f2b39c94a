/**
 * What people type for a time zone: a city that is not a zone name ("Frankfurt", "München",
 * "Zurich") or a common abbreviation ("CET", "ET", "HKT"), mapped to the IANA zone that keeps
 * its summer time (CET → Europe/Berlin, so a digest never runs an hour off from March to October).
 */
import { foldForMatching } from "./fold.ts";

const ABBREVIATIONS: Readonly<Record<string, string>> = {
  utc: "UTC", gmt: "UTC", z: "UTC", zulu: "UTC",
  cet: "Europe/Berlin", cest: "Europe/Berlin", mez: "Europe/Berlin", mesz: "Europe/Berlin",
  wet: "Europe/Lisbon", west: "Europe/Lisbon", bst: "Europe/London",
  eet: "Europe/Athens", eest: "Europe/Athens", msk: "Europe/Moscow",
  et: "America/New_York", est: "America/New_York", edt: "America/New_York",
  ct: "America/Chicago", cst: "America/Chicago", cdt: "America/Chicago",
  mt: "America/Denver", mst: "America/Denver", mdt: "America/Denver",
  pt: "America/Los_Angeles", pst: "America/Los_Angeles", pdt: "America/Los_Angeles",
  hkt: "Asia/Hong_Kong", jst: "Asia/Tokyo", kst: "Asia/Seoul", sgt: "Asia/Singapore",
  ist: "Asia/Kolkata", aest: "Australia/Sydney", aedt: "Australia/Sydney", nzst: "Pacific/Auckland", nzdt: "Pacific/Auckland",
};

/** Financial centres and big cities whose zone is named after another city. */
const CITIES: Readonly<Record<string, string>> = {
  frankfurt: "Europe/Berlin", "frankfurt am main": "Europe/Berlin", munich: "Europe/Berlin", muenchen: "Europe/Berlin",
  hamburg: "Europe/Berlin", cologne: "Europe/Berlin", koeln: "Europe/Berlin", duesseldorf: "Europe/Berlin",
  dusseldorf: "Europe/Berlin", stuttgart: "Europe/Berlin", leipzig: "Europe/Berlin", dresden: "Europe/Berlin",
  zurich: "Europe/Zurich", zuerich: "Europe/Zurich", geneva: "Europe/Zurich", genf: "Europe/Zurich", basel: "Europe/Zurich",
  bern: "Europe/Zurich", wien: "Europe/Vienna", milan: "Europe/Rome", mailand: "Europe/Rome", milano: "Europe/Rome",
  rom: "Europe/Rome", munchen: "Europe/Berlin", koln: "Europe/Berlin", barcelona: "Europe/Madrid",
  edinburgh: "Europe/London", manchester: "Europe/London", london: "Europe/London", den_haag: "Europe/Amsterdam",
  rotterdam: "Europe/Amsterdam", bruessel: "Europe/Brussels", antwerp: "Europe/Brussels", lyon: "Europe/Paris",
  warschau: "Europe/Warsaw", prag: "Europe/Prague", moskau: "Europe/Moscow", kiew: "Europe/Kyiv", kiev: "Europe/Kyiv",
  new_york_city: "America/New_York", nyc: "America/New_York", boston: "America/New_York", washington: "America/New_York",
  miami: "America/New_York", atlanta: "America/New_York", philadelphia: "America/New_York",
  dallas: "America/Chicago", houston: "America/Chicago", austin: "America/Chicago",
  san_francisco: "America/Los_Angeles", seattle: "America/Los_Angeles", silicon_valley: "America/Los_Angeles",
  san_jose: "America/Los_Angeles", palo_alto: "America/Los_Angeles", montreal: "America/Toronto", ottawa: "America/Toronto",
  beijing: "Asia/Shanghai", peking: "Asia/Shanghai", shenzhen: "Asia/Shanghai", guangzhou: "Asia/Shanghai",
  hangzhou: "Asia/Shanghai", mumbai: "Asia/Kolkata", bombay: "Asia/Kolkata", delhi: "Asia/Kolkata",
  new_delhi: "Asia/Kolkata", bangalore: "Asia/Kolkata", bengaluru: "Asia/Kolkata", osaka: "Asia/Tokyo", kyoto: "Asia/Tokyo",
  abu_dhabi: "Asia/Dubai", melbourne: "Australia/Melbourne", canberra: "Australia/Sydney",
};

/** "New York", "new-york", "New_York", "München" → "new_york", "muenchen". */
export function timeZoneKey(text: string): string {
  return foldForMatching(text.trim()).replace(/[\s\-_.]+/g, "_").replace(/^_|_$/g, "");
}

/** A zone for an abbreviation or a city not named in the zone database, if known. */
export function timeZoneAlias(text: string): string | undefined {
  const key = timeZoneKey(text);
  return ABBREVIATIONS[key] ?? CITIES[key];
}

/** Every alias with its zone: abbreviations upper case, cities as written in the table. */
export function timeZoneAliasEntries(): Array<{ alias: string; zone: string; abbreviation: boolean }> {
  return [
    ...Object.entries(ABBREVIATIONS).map(([alias, zone]) => ({ alias: alias.toUpperCase(), zone, abbreviation: true })),
    ...Object.entries(CITIES).map(([alias, zone]) => ({ alias, zone, abbreviation: false })),
  ];
}

let zonesByCity: Map<string, string> | undefined;

/** The zone named after a city ("berlin" → Europe/Berlin, "hong kong" → Asia/Hong_Kong). */
function zoneNamedAfter(key: string): string | undefined {
  if (zonesByCity === undefined) {
    zonesByCity = new Map();
    for (const zone of Intl.supportedValuesOf("timeZone")) {
      const city = zone.split("/").at(-1);
      if (!zone.includes("/") || zone.startsWith("Etc/") || city === undefined) continue;
      const cityKey = timeZoneKey(city);
      if (!zonesByCity.has(cityKey)) zonesByCity.set(cityKey, zone);
    }
  }
  return zonesByCity.get(key);
}

/** The IANA zone a typed text means, if any: an alias, or a city a zone is named after. */
export function zoneForTypedText(text: string): string | undefined {
  return timeZoneAlias(text) ?? zoneNamedAfter(timeZoneKey(text));
}
