/** The directory's CSV files (symbol,name,exchange,country,currency,isin,cik,aliases,source). */
import { splitAliases } from "./alias-field.ts";
import type { ListingsBuilder, SymbolRow } from "./listings-builder.ts";

const COLUMNS = ["symbol", "name", "exchange", "country", "currency", "isin", "cik", "aliases", "source"] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Calls `onRecord` with each record's trimmed fields by column name. One record per line (the
 * directory has no line breaks inside fields); quoted fields as in RFC 4180.
 */
function readCsv(csv: string, onRecord: (field: (name: Column) => string) => void): void {
  let header: Map<string, number> | undefined;
  let record: string[] = [];
  const field = (name: Column): string => {
    const c = header?.get(name);
    return c === undefined ? "" : (record[c] ?? "").trim();
  };
  let pos = 0;
  while (pos < csv.length) {
    let end = csv.indexOf("\n", pos);
    if (end < 0) end = csv.length;
    const line = csv.slice(pos, end > pos && csv.charCodeAt(end - 1) === 13 ? end - 1 : end);
    pos = end + 1;
    if (line.trim().length === 0) continue;
    record = line.includes('"') ? parseQuotedLine(line) : line.split(",");
    if (header === undefined) {
      header = new Map();
      // The first column of a name wins.
      for (const [i, h] of record.entries()) if (!header.has(h.trim().toLowerCase())) header.set(h.trim().toLowerCase(), i);
      continue;
    }
    onRecord(field);
  }
}

function parseQuotedLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** Parses the directory CSV into rows (rows without symbol or name are skipped). */
export function parseSymbolCsv(csv: string): SymbolRow[] {
  const rows: SymbolRow[] = [];
  readCsv(csv, (f) => {
    const symbol = f("symbol");
    const name = f("name");
    if (!symbol || !name) return;
    const row: SymbolRow = {
      symbol,
      name,
      exchange: f("exchange"),
      country: f("country"),
      currency: f("currency"),
      aliases: splitAliases(f("aliases")),
    };
    const isin = f("isin");
    const cik = f("cik");
    const source = f("source");
    if (isin) row.isin = isin;
    if (cik) row.cik = cik;
    if (source) row.source = source;
    rows.push(row);
  });
  return rows;
}

/** Adds a CSV's records straight to the columns, without row objects in between. */
export function addSymbolCsv(builder: ListingsBuilder, csv: string): void {
  return readCsv(csv, (f) => {
    const symbol = f("symbol");
    const name = f("name");
    if (!symbol || !name) return;
    const aliases = f("aliases");
    const tidy = /^(?:[^;\s]+(?:;[^;\s]+)*)?$/.test(aliases) ? aliases : splitAliases(aliases).join(";");
    builder.add(symbol, name, f("exchange"), f("country"), f("currency"), f("isin"), f("cik"), tidy);
  });
}
