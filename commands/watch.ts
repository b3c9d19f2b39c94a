import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import type { SymbolEntry } from "../src/core/ports.ts";
import { nextSlotAfter } from "../src/core/slots.ts";
import type { ChatInputCommand, CommandContext, CommandServices } from "../src/discord/command.ts";
import { escapeMarkdown } from "../src/discord/escape.ts";
import { replyPrivately } from "../src/discord/reply.ts";
import {
  AUTOCOMPLETE_MAX,
  choiceName,
  describeEntry,
  formatSchedule,
  formatSlotInstant,
  guildChannelOf,
  IN_SERVERS,
  requireManageChannels,
  resolveSymbol,
  resumeIfPaused,
  symbolChoices,
  TICKER_OPTION,
} from "./shared.ts";

type WatchServices = Pick<CommandServices, "store" | "symbols" | "watchLimit">;
type WatchContext = CommandContext<WatchServices>;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "watch",
  description: "Tickers this channel follows in its daily digest",
  ...IN_SERVERS,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "add",
      description: "Follow a ticker in this channel (needs Manage Channels)",
      options: [
        TICKER_OPTION,
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

function resolveTicker(ctx: WatchContext, raw: string): SymbolEntry {
  return resolveSymbol(ctx.symbols, raw);
}

// ---- subcommands ------------------------------------------------------------------------------

async function add(interaction: ChatInputCommandInteraction, ctx: WatchContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const entry = resolveTicker(ctx, interaction.options.getString("ticker", true));
  const { store } = ctx;
  const channel = await store.getChannel(channelId);
  const resumed = await resumeIfPaused(ctx, channel);
  const limit = ctx.watchLimit;
  const outcome = await store.addWatch(channelId, guildId, entry.symbol, limit);
  ctx.addLogFields({ symbol: entry.symbol, outcome });
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
  await replyPrivately(interaction, lines.join("\n"));
}

async function remove(interaction: ChatInputCommandInteraction, ctx: WatchContext): Promise<void> {
  const { channelId } = guildChannelOf(interaction);
  const raw = interaction.options.getString("ticker", true).trim();
  const { store } = ctx;
  const watched = await store.listWatches(channelId);
  const wanted = (ctx.symbols.get(raw)?.symbol ?? raw).toUpperCase();
  const symbol = watched.find((s) => s.toUpperCase() === wanted || s.toUpperCase() === raw.toUpperCase());
  const resumed = await resumeIfPaused(ctx, await store.getChannel(channelId));
  const removed = symbol !== undefined && (await store.removeWatch(channelId, symbol));
  ctx.addLogFields({ symbol: symbol ?? raw, removed });
  const lines = [
    removed
      ? `This channel no longer follows ${escapeMarkdown(symbol ?? raw, 40)}.`
      : `This channel does not follow ${escapeMarkdown(raw, 40) || "that ticker"}${watched.length > 0 ? `; it follows ${watched.map((s) => escapeMarkdown(s, 40)).join(", ")}` : ""}.`,
  ];
  if (resumed) lines.push(resumed);
  await replyPrivately(interaction, lines.join("\n"));
}

async function list(interaction: ChatInputCommandInteraction, ctx: WatchContext): Promise<void> {
  const { channelId } = guildChannelOf(interaction);
  const { store } = ctx;
  const [watched, channel] = await Promise.all([store.listWatches(channelId), store.getChannel(channelId)]);
  const { symbols } = ctx;
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
  await replyPrivately(interaction, lines.join("\n"));
}

// ---- autocomplete -----------------------------------------------------------------------------

async function autocomplete(interaction: AutocompleteInteraction, ctx: WatchContext): Promise<void> {
  const focused = interaction.options.getFocused();
  const sub = interaction.options.getSubcommand(false);
  if (sub === "remove") {
    const { channelId } = guildChannelOf(interaction);
    const needle = focused.trim().toUpperCase();
    const watched = await ctx.store.listWatches(channelId);
    const { symbols } = ctx;
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
  await interaction.respond(symbolChoices(ctx.symbols, focused));
}

export const watch: ChatInputCommand<WatchServices> = {
  data,
  defer: "ephemeral",
  async validate(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    guildChannelOf(interaction);
    if (sub === "add" || sub === "remove") requireManageChannels(interaction);
    if (sub === "add") resolveTicker(ctx, interaction.options.getString("ticker", true));
  },
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    ctx.addLogFields({ subcommand: sub });
    if (sub === "add") await add(interaction, ctx);
    else if (sub === "remove") await remove(interaction, ctx);
    else await list(interaction, ctx);
  },
  autocomplete,
};
