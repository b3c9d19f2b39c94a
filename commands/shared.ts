import type { AutocompleteInteraction } from "discord.js";
import type { APIApplicationCommandOptionChoice } from "discord-api-types/v10";
import { quoteSymbol as resolveQuoteSymbol } from "../src/core/quote-symbol.ts";
import type { SymbolDirectory, SymbolEntry } from "../src/core/ports.ts";
import type { CommandContext } from "./types.ts";

/** Helpers several commands use (a command file never imports another command file). */

const AUTOCOMPLETE_MAX = 25;
const CHOICE_NAME_MAX = 100;
/** Offered before anything is typed. */
const POPULAR_SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "TSLA", "BABA", "9988.HK", "XIACY", "SAP.DE", "ASML", "TSM"];

function describe(entry: SymbolEntry): string {
  return `${entry.symbol} — ${entry.name}${entry.exchange ? ` (${entry.exchange})` : ""}`;
}

/** Autocomplete choices for a ticker option: popular listings first, then search by symbol or company. */
export function tickerChoices(symbols: SymbolDirectory, query: string): APIApplicationCommandOptionChoice<string>[] {
  const q = query.trim();
  const entries = q === "" ? POPULAR_SYMBOLS.map((s) => symbols.get(s)).filter((e): e is SymbolEntry => e !== undefined) : symbols.search(q, AUTOCOMPLETE_MAX);
  return entries.slice(0, AUTOCOMPLETE_MAX).map((entry) => {
    const name = describe(entry);
    return { name: name.length <= CHOICE_NAME_MAX ? name : `${name.slice(0, CHOICE_NAME_MAX - 1)}…`, value: entry.symbol };
  });
}

export async function respondWithTickers(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  await interaction.respond(tickerChoices(await ctx.app.loadSymbols("search"), interaction.options.getFocused()));
}

/** The listing symbol a "symbol or company" option names (see core/quote-symbol.ts). */
export async function quoteSymbol(ctx: CommandContext, raw: string): Promise<string> {
  return resolveQuoteSymbol(await ctx.app.loadSymbols(), raw, () => ctx.app.loadSymbols("search"));
}
