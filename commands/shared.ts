/** Helpers several commands use; a command never imports another command. */
import type { AutocompleteInteraction, ChatInputCommandInteraction, MessageContextMenuCommandInteraction } from "discord.js";
import { ApplicationCommandOptionType, ApplicationIntegrationType, InteractionContextType, PermissionFlagsBits } from "discord.js";
import type {
  APIApplicationCommandBasicOption,
  APIApplicationCommandOptionChoice,
  RESTPostAPIApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import { marketNowFor } from "../src/core/brief-market-now.ts";
import { canonicalizeUrl } from "../src/core/canonical-url.ts";
import { UserFacingError } from "../src/core/errors.ts";
import { tickerText } from "../src/core/quote-symbol.ts";
import type { SymbolDirectory, SymbolEntry } from "../src/core/ports.ts";
import type { ChannelState, DigestSchedule } from "../src/core/store.ts";
import type { CommandContext, CommandServices } from "../src/discord/command.ts";
import { escapeMarkdown } from "../src/discord/escape.ts";
import { translator, type Translator } from "../src/discord/i18n.ts";
import { renderBriefEmbeds } from "../src/discord/render-brief.ts";

/** Every command is used in the servers that installed the bot. */
export const IN_SERVERS: Pick<RESTPostAPIApplicationCommandsJSONBody, "contexts" | "integration_types"> = {
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

/** The `ticker` option of /watch add and /quote: a symbol or a company, with autocomplete. */
export const TICKER_OPTION = {
  type: ApplicationCommandOptionType.String,
  name: "ticker",
  description: "Symbol or company, e.g. BABA, 9988.HK, SAP.DE",
  required: true,
  autocomplete: true,
  max_length: 100,
} as const satisfies APIApplicationCommandBasicOption;

/** The `private` option of the commands that answer in the channel unless asked not to. */
export function privateOption(description: string) {
  return { type: ApplicationCommandOptionType.Boolean, name: "private", description } as const satisfies APIApplicationCommandBasicOption;
}

export const MANAGE_CHANNELS_REQUIRED = "You need the Manage Channels permission to change this channel's watchlist.";
export const AUTOCOMPLETE_MAX = 25;
const CHOICE_NAME_MAX = 100;
/** Offered before anything is typed. */
const POPULAR_SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "TSLA", "BABA", "9988.HK", "XIACY", "SAP.DE", "ASML", "TSM"];

/** Subscription and schedule changes need Manage Channels, checked per subcommand (/watch list stays open). */
export function requireManageChannels(interaction: ChatInputCommandInteraction): void {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
    throw new UserFacingError("forbidden", MANAGE_CHANNELS_REQUIRED, { key: "error.manageChannels" });
  }
}

export function guildChannelOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): { channelId: string; guildId: string } {
  if (interaction.guildId === null || interaction.channelId === null) {
    throw new UserFacingError("invalid_input", "Watchlists and digests belong to a server channel; use this command in one.", { key: "error.notInGuild" });
  }
  return { channelId: interaction.channelId, guildId: interaction.guildId };
}

/**
 * Any subscription command used in a paused channel resumes its digests: whoever changes the
 * watchlist has had the chance to fix the bot's access. Returns the line that says so.
 */
export async function resumeIfPaused(
  ctx: CommandContext<Pick<CommandServices, "store">>,
  channel: ChannelState | undefined,
  tr: Translator = translator("en"),
): Promise<string | undefined> {
  if (channel?.pausedReason === undefined) return undefined;
  await ctx.store.resumeChannel(channel.channelId);
  ctx.addLogFields({ resumed: true });
  return tr.t("reply.resumed", { reason: escapeMarkdown(channel.pausedReason, 300) });
}

export function describeEntry(entry: SymbolEntry): string {
  return `${entry.symbol} — ${entry.name}${entry.exchange ? ` (${entry.exchange})` : ""}`;
}

export function choiceName(entry: SymbolEntry): string {
  const full = describeEntry(entry);
  return full.length <= CHOICE_NAME_MAX ? full : `${full.slice(0, CHOICE_NAME_MAX - 1)}…`;
}

export function formatSchedule(schedule: DigestSchedule, tr: Translator = translator("en")): string {
  return tr.t(schedule.weekdaysOnly ? "schedule.weekdays" : "schedule.daily", { time: schedule.time, zone: schedule.timeZone });
}

/** An instant as a Discord timestamp: every reader sees it in their own time zone and language. */
export function discordTime(at: Date | number, style: "F" | "f" | "R" = "F"): string {
  return `<t:${Math.floor(new Date(at).getTime() / 1000)}:${style}>`;
}


/** Autocomplete choices for a ticker option: popular symbols before anything is typed. */
export function symbolChoices(symbols: SymbolDirectory, query: string): APIApplicationCommandOptionChoice<string>[] {
  const q = query.trim();
  const entries = q === "" ? POPULAR_SYMBOLS.map((s) => symbols.get(s)).filter((e): e is SymbolEntry => e !== undefined) : symbols.search(q, AUTOCOMPLETE_MAX);
  return entries.slice(0, AUTOCOMPLETE_MAX).map((entry) => ({ name: choiceName(entry), value: entry.symbol }));
}

/**
 * A symbol from the directory, case-insensitively, or the best listing of the company a name
 * denotes ("alibaba" → BABA); unknown ones are refused with close matches.
 */
export function resolveSymbol(symbols: SymbolDirectory, raw: string): SymbolEntry {
  const query = tickerText(raw);
  const entry = symbols.get(query) ?? symbols.company(query)[0];
  if (entry !== undefined) return entry;
  // The router escapes error messages for Discord; they are built from plain text here.
  const shown = query.slice(0, 40) || "(empty)";
  const close = query === "" ? [] : symbols.search(query, 5);
  if (close.length > 0) {
    const suggestions = close.map(describeEntry).join("; ");
    throw new UserFacingError("invalid_input", `Unknown symbol ${shown}. Did you mean: ${suggestions}?`, {
      key: "error.unknownSymbol",
      params: { symbol: shown, suggestions },
    });
  }
  throw new UserFacingError("invalid_input", `Unknown symbol ${shown}. Pick one from the list as you type.`, {
    key: "error.unknownSymbolPick",
    params: { symbol: shown },
  });
}

// ---- /summarize and "Summarize link" ---------------------------------------------------------

type BriefInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;
export type BriefServices = Pick<CommandServices, "summarizer" | "limits" | "links" | "market" | "now">;

/**
 * The shared /summarize flow after the router deferred: summarize the (already validated) link,
 * limits applied only to new LLM briefs, then replace the deferred reply with the brief (and,
 * for an article from before today, where its tickers are now: looked up here, never cached).
 */
export async function replyWithBrief(interaction: BriefInteraction, ctx: CommandContext<BriefServices>, url: URL, language: string): Promise<void> {
  const outcome = await ctx.summarizer.summarize(
    { kind: "url", url: url.href, canonicalUrl: canonicalizeUrl(url.href) ?? url.href },
    {
      language,
      signal: ctx.signal,
      beforeNewLlmBrief: ctx.limits.hookFor(interaction.user.id, interaction.guildId),
    },
  );
  ctx.addLogFields({
    engine: outcome.result.engine,
    cached: outcome.result.cached,
    llmRequests: outcome.llmRequests,
    language,
    ...(outcome.usage ? { tokens: outcome.usage } : {}),
  });
  const marketNow = await marketNowFor(outcome.result, ctx.market, { signal: ctx.signal, log: ctx.log, ...(ctx.now ? { now: ctx.now() } : {}) });
  if (marketNow.length > 0) ctx.addLogFields({ marketNow: marketNow.length });
  await interaction.editReply({ embeds: renderBriefEmbeds(outcome.result, { language: interaction.locale, marketNow }), allowedMentions: { parse: [] } });
}
