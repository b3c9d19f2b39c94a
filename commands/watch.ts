import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { APIApplicationCommandOptionChoice, RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { UserFacingError } from "../src/core/errors.ts";
import type { SymbolDirectory, SymbolEntry } from "../src/core/ports.ts";
import { nextSlotAfter } from "../src/core/slots.ts";
import type { ChannelState, DigestSchedule } from "../src/core/store.ts";
import { escapeMarkdown } from "../src/discord/escape.ts";
import type { ChatInputCommand, CommandContext } from "./types.ts";

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "watch",
  description: "Tickers this channel follows in its daily digest",
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "add",
      description: "Follow a ticker in this channel (needs Manage Channels)",
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: "ticker",
          description: "Symbol or company, e.g. BABA, 9988.HK, SAP.DE",
          required: true,
          autocomplete: true,
          max_length: 100,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "remove",
      description: "Stop following a ticker in this channel (needs Manage Channels)",
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: "ticker",
          description: "One of the tickers this channel follows",
          required: true,
          autocomplete: true,
          max_length: 100,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "list",
      description: "Show the tickers this channel follows and its digest schedule",
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const MANAGE_CHANNELS_REQUIRED = "You need the Manage Channels permission to change this channel's watchlist.";
const AUTOCOMPLETE_MAX = 25;
const CHOICE_NAME_MAX = 100;
/** Offered before anything is typed. */
const POPULAR_SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "TSLA", "BABA", "9988.HK", "XIACY", "SAP.DE", "ASML", "TSM"];

// ---- shared by /watch and /digest ------------------------------------------------------------

/** Subscription and schedule changes need Manage Channels, checked per subcommand (/watch list stays open). */
export function requireManageChannels(interaction: ChatInputCommandInteraction): void {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
    throw new UserFacingError("forbidden", MANAGE_CHANNELS_REQUIRED, { key: "error.manageChannels" });
  }
}

export function guildChannelOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): { channelId: string; guildId: string } {
  if (interaction.guildId === null || interaction.channelId === null) {
    throw new UserFacingError("invalid_input", "Watchlists and digests belong to a server channel; use this command in one.");
  }
  return { channelId: interaction.channelId, guildId: interaction.guildId };
}

/** Answers the (deferred, private) interaction; nothing in it can ping. */
export async function answer(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  const payload = { content, allowedMentions: { parse: [] } };
  if (interaction.deferred || interaction.replied) await interaction.editReply(payload);
  else await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
}

/**
 * Any subscription command used in a paused channel resumes its digests: whoever changes the
 * watchlist has had the chance to fix the bot's access. Returns the line that says so.
 */
export async function resumeIfPaused(ctx: CommandContext, channel: ChannelState | undefined): Promise<string | undefined> {
  if (channel?.pausedReason === undefined) return undefined;
  await ctx.app.store.resumeChannel(channel.channelId);
  ctx.note({ resumed: true });
  return `Digests in this channel were paused (${escapeMarkdown(channel.pausedReason, 300)}); they are back on. If the bot still lacks access here, they will pause again.`;
}

export function describeEntry(entry: SymbolEntry): string {
  return `${entry.symbol} — ${entry.name}${entry.exchange ? ` (${entry.exchange})` : ""}`;
}

function choiceName(entry: SymbolEntry): string {
  const full = describeEntry(entry);
  return full.length <= CHOICE_NAME_MAX ? full : `${full.slice(0, CHOICE_NAME_MAX - 1)}…`;
}

export function formatSchedule(schedule: DigestSchedule): string {
  return `${schedule.time} ${schedule.timeZone}, ${schedule.weekdaysOnly ? "Monday to Friday" : "every day"}`;
}

/** "Mon 9 Mar 2026, 07:30 Asia/Tokyo (22:30 UTC on Sun 8 Mar)". */
export function formatSlotInstant(at: Date, timeZone: string): string {
  const local = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
  const utcTime = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  const utcDay = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(at);
  return `${local} ${timeZone} (${utcTime} UTC on ${utcDay})`;
}

/** The symbol a ticker option names: an autocomplete choice's label pasted as text still names its symbol first. */
function symbolQuery(raw: string): string {
  const text = raw.trim();
  return text.includes(" — ") ? (text.split(" — ")[0] ?? text) : text;
}

/** A symbol from the directory, case-insensitively; unknown ones are refused with close matches. */
export function resolveSymbol(symbols: SymbolDirectory, raw: string): SymbolEntry {
  const query = symbolQuery(raw);
  const entry = symbols.get(query);
  if (entry !== undefined) return entry;
  // The router escapes error messages for Discord; they are built from plain text here.
  const shown = query.slice(0, 40) || "(empty)";
  const close = query === "" ? [] : symbols.search(query, 5);
  const hint = close.length > 0 ? ` Did you mean: ${close.map(describeEntry).join("; ")}?` : " Pick one from the list as you type.";
  throw new UserFacingError("invalid_input", `Unknown symbol ${shown}.${hint}`);
}

/** resolveSymbol once the directory is loaded; its search indexes ("did you mean") only for an unknown symbol. */
async function resolveTicker(ctx: CommandContext, raw: string): Promise<SymbolEntry> {
  const known = (await ctx.app.loadSymbols()).get(symbolQuery(raw));
  return known ?? resolveSymbol(await ctx.app.loadSymbols("search"), raw);
}

// ---- subcommands ------------------------------------------------------------------------------

async function add(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const entry = await resolveTicker(ctx, interaction.options.getString("ticker", true));
  const { store, config } = ctx.app;
  const channel = await store.getChannel(channelId);
  const resumed = await resumeIfPaused(ctx, channel);
  const limit = config.digest.watchLimit;
  const outcome = await store.addWatch(channelId, guildId, entry.symbol, limit);
  ctx.note({ symbol: entry.symbol, outcome });
  const described = escapeMarkdown(describeEntry(entry), 150);
  const lines = [
    outcome === "limit"
      ? `This channel already follows ${limit} tickers, the most allowed, so ${escapeMarkdown(entry.symbol, 40)} was not added. Remove one with /watch remove first.`
      : outcome === "added"
        ? `This channel now follows ${described}.`
        : `This channel already follows ${described}.`,
  ];
  if (outcome !== "limit" && channel?.schedule === undefined) lines.push("Set when its daily digest arrives with /digest schedule, or get one now with /digest now.");
  if (resumed) lines.push(resumed);
  await answer(interaction, lines.join("\n"));
}

async function remove(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const { channelId } = guildChannelOf(interaction);
  const raw = interaction.options.getString("ticker", true).trim();
  const { store } = ctx.app;
  const watched = await store.listWatches(channelId);
  const wanted = ((await ctx.app.loadSymbols()).get(raw)?.symbol ?? raw).toUpperCase();
  const symbol = watched.find((s) => s.toUpperCase() === wanted || s.toUpperCase() === raw.toUpperCase());
  const resumed = await resumeIfPaused(ctx, await store.getChannel(channelId));
  const removed = symbol !== undefined && (await store.removeWatch(channelId, symbol));
  ctx.note({ symbol: symbol ?? raw, removed });
  const lines = [
    removed
      ? `This channel no longer follows ${escapeMarkdown(symbol ?? raw, 40)}.`
      : `This channel does not follow ${escapeMarkdown(raw, 40) || "that ticker"}${watched.length > 0 ? `; it follows ${watched.map((s) => escapeMarkdown(s, 40)).join(", ")}` : ""}.`,
  ];
  if (resumed) lines.push(resumed);
  await answer(interaction, lines.join("\n"));
}

async function list(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const { channelId } = guildChannelOf(interaction);
  const { store } = ctx.app;
  const [watched, channel, symbols] = await Promise.all([store.listWatches(channelId), store.getChannel(channelId), ctx.app.loadSymbols()]);
  const lines: string[] = [];
  if (watched.length === 0) {
    lines.push("This channel follows no tickers yet: use /watch add.");
  } else {
    lines.push(`**This channel follows ${watched.length} ${watched.length === 1 ? "ticker" : "tickers"}:**`);
    for (const symbol of watched) {
      const entry = symbols.get(symbol);
      lines.push(`• ${escapeMarkdown(entry ? describeEntry(entry) : symbol, 150)}`);
    }
  }
  const schedule = channel?.schedule;
  if (schedule === undefined) {
    lines.push("Daily digest: not scheduled (set one with /digest schedule).");
  } else {
    let next = "";
    try {
      next = `; next ${formatSlotInstant(nextSlotAfter(new Date(), schedule).at, schedule.timeZone)}`;
    } catch {
      // A stored schedule the runtime no longer understands still lists; the scheduler logs it.
    }
    lines.push(`Daily digest: ${formatSchedule(schedule)}${next}.`);
  }
  if (channel?.pausedReason !== undefined) {
    const since = channel.pausedAt ? ` since <t:${Math.floor(Date.parse(channel.pausedAt) / 1000)}:f>` : "";
    lines.push(
      `⏸️ Digests here are paused${since}: ${escapeMarkdown(channel.pausedReason, 300)}. Fix the bot's permissions, then use /watch add, /watch remove or /digest schedule here to resume them.`,
    );
  }
  await answer(interaction, lines.join("\n"));
}

// ---- autocomplete -----------------------------------------------------------------------------

export function symbolChoices(symbols: SymbolDirectory, query: string): APIApplicationCommandOptionChoice<string>[] {
  const q = query.trim();
  const entries = q === "" ? POPULAR_SYMBOLS.map((s) => symbols.get(s)).filter((e): e is SymbolEntry => e !== undefined) : symbols.search(q, AUTOCOMPLETE_MAX);
  return entries.slice(0, AUTOCOMPLETE_MAX).map((entry) => ({ name: choiceName(entry), value: entry.symbol }));
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const focused = interaction.options.getFocused();
  const sub = interaction.options.getSubcommand(false);
  if (sub === "remove") {
    const { channelId } = guildChannelOf(interaction);
    const needle = focused.trim().toUpperCase();
    const [watched, symbols] = await Promise.all([ctx.app.store.listWatches(channelId), ctx.app.loadSymbols()]);
    const matching = watched.filter((s) => needle === "" || s.toUpperCase().includes(needle) || (symbols.get(s)?.name.toUpperCase().includes(needle) ?? false));
    matching.sort((a, b) => Number(!a.toUpperCase().startsWith(needle)) - Number(!b.toUpperCase().startsWith(needle)));
    await interaction.respond(
      matching.slice(0, AUTOCOMPLETE_MAX).map((symbol) => {
        const entry = symbols.get(symbol);
        return { name: entry ? choiceName(entry) : symbol, value: symbol };
      }),
    );
    return;
  }
  await interaction.respond(symbolChoices(await ctx.app.loadSymbols("search"), focused));
}

export const watch: ChatInputCommand = {
  data,
  defer: "ephemeral",
  async validate(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    guildChannelOf(interaction);
    if (sub === "add" || sub === "remove") requireManageChannels(interaction);
    if (sub === "add") await resolveTicker(ctx, interaction.options.getString("ticker", true));
  },
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    ctx.note({ subcommand: sub });
    if (sub === "add") await add(interaction, ctx);
    else if (sub === "remove") await remove(interaction, ctx);
    else await list(interaction, ctx);
  },
  autocomplete,
};
