/** The fallback order of a company's listings, when nothing in the text decides. */
import type { Listings } from "./listings.ts";

const MAJOR_US = new Set(["NYSE", "NASDAQ"]);

/**
 * Home listing (ISIN country = venue country) first, then the main US exchanges, then other
 * exchanges, then secondary foreign lines, then OTC (sponsored-style "…Y" ADRs before "…F" lines).
 */
export function baseRankOf(listings: Listings, i: number): number {
  const symbol = listings.symbol(i);
  const exchange = listings.exchange(i);
  const country = listings.country(i);
  const isinCountry = listings.isin(i)?.slice(0, 2).toUpperCase();
  let rank: number;
  if (exchange === "OTC") rank = symbol.endsWith("Y") || /ADR/i.test(listings.name(i)) ? 40 : 50;
  else if (isinCountry && isinCountry === country) rank = 0;
  else if (MAJOR_US.has(exchange)) rank = 10;
  else if (isinCountry && isinCountry !== country && !["KY", "BM", "VG", "JE", "GG", "IM"].includes(isinCountry)) rank = 30;
  else if (exchange === "") rank = 35;
  else rank = 20;
  // Secondary German lines of foreign companies (AHLA.DE for Alibaba) come after the real venues.
  if (exchange === "XETRA" && isinCountry !== "DE" && isinCountry !== undefined) rank = Math.max(rank, 30);
  if (exchange === "XETRA" && isinCountry === undefined) {
    const aliases = listings.aliases(i);
    if (aliases.length > 0 && !aliases.some((a) => a.endsWith(".DE"))) rank = Math.max(rank, 20);
  }
  // Warrants, units, rights and preferred lines of US registrants.
  if (MAJOR_US.has(exchange) && (/-P?[A-Z]$/.test(symbol) || /^[A-Z]{4}[WUR]$/.test(symbol) || /^[A-Z]{4}WS?$/.test(symbol))) rank += 5;
  return rank;
}
