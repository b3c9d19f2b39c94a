import { UserFacingError } from "../../core/errors.ts";
import type { SymbolEntry } from "../../core/ports.ts";

/** Yahoo Finance headline RSS for one symbol. */
export const YAHOO_HEADLINES_TEMPLATE = "https://feeds.finance.yahoo.com/rss/2.0/headline?s={symbol}&region=US&lang=en-US";

/** SEC EDGAR company filings (Atom); only US issuers have a CIK, so others skip it. */
export const SEC_EDGAR_FILINGS_TEMPLATE =
  "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK={cik}&type=&dateb=&owner=include&count=40&output=atom";

export const DEFAULT_FEED_TEMPLATES: readonly string[] = [YAHOO_HEADLINES_TEMPLATE, SEC_EDGAR_FILINGS_TEMPLATE];

const PLACEHOLDERS = ["symbol", "name", "cik"] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/**
 * Checks a feed URL template: http(s) and only the placeholders {symbol}, {name} and {cik}.
 * Throws UserFacingError("invalid_input") otherwise, so a typo is reported when configured.
 */
export function validateFeedTemplate(template: string): void {
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1] ?? "";
    if (!isPlaceholder(name)) {
      throw new UserFacingError(
        "invalid_input",
        `The feed template ${template} uses {${name}}; only {symbol}, {name} and {cik} can be filled in.`,
      );
    }
  }
  let url: URL;
  try {
    url = new URL(template.replace(/\{(symbol|name|cik)\}/g, "x"));
  } catch {
    throw new UserFacingError("invalid_input", `The feed template ${template} is not a valid URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserFacingError("invalid_input", `The feed template ${template} must start with http:// or https://.`);
  }
}

function valueOf(entry: SymbolEntry, name: Placeholder): string | undefined {
  const value = name === "cik" ? entry.cik : entry[name];
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/**
 * The feed URLs for one listing: each template with {symbol}, {name} and {cik} filled in,
 * URL-encoded. A template whose placeholder the entry cannot fill (no CIK for a non-US issuer)
 * is skipped; duplicates are dropped. Throws for an invalid template (see validateFeedTemplate).
 */
export function expandFeedTemplates(templates: readonly string[], entry: SymbolEntry): string[] {
  const urls = new Set<string>();
  for (const template of templates) {
    validateFeedTemplate(template);
    let fillable = true;
    const url = template.replace(/\{(symbol|name|cik)\}/g, (_whole, name: Placeholder) => {
      const value = valueOf(entry, name);
      if (value === undefined) {
        fillable = false;
        return "";
      }
      return encodeURIComponent(value);
    });
    if (fillable) urls.add(url);
  }
  return [...urls];
}
