import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import type { SymbolEntry } from "../src/core/ports.ts";
import { tickerText } from "../src/core/quote-symbol.ts";
import { nextSlotAfter } from "../src/core/slots.ts";
import type { ChatInputCommand, CommandContext, CommandServices } from "../src/discord/command.ts";
import { escapeMarkdown } from "../src/discord/escape.ts";
import { translator } from "../src/discord/i18n.ts";
import { missingPostingPermissionsOf, permissionNames } from "../src/discord/posting-permissions.ts";
import { replyPrivately } from "../src/discord/reply.ts";
import {
  AUTOCOMPLETE_MAX,
  choiceName,
  describeEntry,
  discordTime,
  formatSchedule,
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

/** Other listings of the company when a name was typed ("alibaba" → BABA, and 9988.HK…), at most 4. */
function otherListings(ctx: WatchContext, raw: string, chosen: SymbolEntry): SymbolEntry[] {
  const text = tickerText(raw);
  if (ctx.symbols.get(text) !== undefined) return [];
  return ctx.symbols
    .company(text)
    .filter((e) => e.symbol !== chosen.symbol)
    .slice(0, 4);
}

async function add(interaction: ChatInputCommandInteraction, ctx: WatchContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const raw = interaction.options.getString("ticker", true);
  const entry = resolveTicker(ctx, raw);
  const tr = translator(interaction.locale);
  const { store } = ctx;
  const channel = await store.getChannel(channelId);
  const resumed = await resumeIfPaused(ctx, channel, tr);
  const limit = ctx.watchLimit;
  const outcome = await store.addWatch(channelId, guildId, entry.symbol, limit);
  const missing = missingPostingPermissionsOf(interaction);
  ctx.addLogFields({ symbol: entry.symbol, outcome, ...(missing.length > 0 ? { missing: missing.map((p) => p.name) } : {}) });
  const described = escapeMarkdown(describeEntry(entry), 150);
  const lines = [
    outcome === "limit"
      ? tr.t("watch.limit", { limit, symbol: escapeMarkdown(entry.symbol, 40) })
      : tr.t(outcome === "added" ? "watch.added" : "watch.already", { entry: described }),
  ];
  const others = outcome === "limit" ? [] : otherListings(ctx, raw, entry);
  if (others.length > 0) {
    lines.push(
      tr.t("watch.company", {
        query: escapeMarkdown(tickerText(raw), 40),
        company: escapeMarkdown(entry.name, 80),
        listings: others.map((e) => escapeMarkdown(`${e.symbol}${e.exchange ? ` (${e.exchange})` : ""}`, 40)).join(", "),
      }),
    );
  }
  // Said at once: a digest the bot cannot post would otherwise only fail at its first slot.
  if (missing.length > 0) lines.push(`⚠️ ${tr.t("reply.cannotPostHere", { permissions: permissionNames(missing, tr) })}`);
  if (outcome !== "limit" && channel?.schedule === undefined) lines.push(tr.t("watch.setSchedule"));
  if (resumed) lines.push(resumed);
  await replyPrivately(interaction, lines.join("\n"));
}

async function remove(interaction: ChatInputCommandInteraction, ctx: WatchContext): Promise<void> {
  const { channelId } = guildChannelOf(interaction);
  const raw = interaction.options.getString("ticker", true).trim();
  const { store } = ctx;
  const watched = await store.listWatches(channelId);
  const tr = translator(interaction.locale);
  const wanted = (ctx.symbols.get(raw)?.symbol ?? raw).toUpperCase();
  const symbol = watched.find((s) => s.toUpperCase() === wanted || s.toUpperCase() === raw.toUpperCase());
  const resumed = await resumeIfPaused(ctx, await store.getChannel(channelId), tr);
  const removed = symbol !== undefined && (await store.removeWatch(channelId, symbol));
  ctx.addLogFields({ symbol: symbol ?? raw, removed });
  const shown = escapeMarkdown(raw, 40) || tr.t("watch.thatTicker");
  const lines = [
    removed
      ? tr.t("watch.removed", { symbol: escapeMarkdown(symbol ?? raw, 40) })
      : watched.length > 0
        ? tr.t("watch.notFollowedList", { symbol: shown, list: watched.map((s) => escapeMarkdown(s, 40)).join(", ") })
        : tr.t("watch.notFollowed", { symbol: shown }),
  ];
  if (resumed) lines.push(resumed);
  await replyPrivately(interaction, lines.join("\n"));
}

async function list(interaction: ChatInputCommandInteraction, ctx: WatchContext): Promise<void> {
  const { channelId } = guildChannelOf(interaction);
  const { store } = ctx;
  const [watched, channel] = await Promise.all([store.listWatches(channelId), store.getChannel(channelId)]);
  const { symbols } = ctx;
  const tr = translator(interaction.locale);
  const lines: string[] = [];
  if (watched.length === 0) {
    lines.push(tr.t("reply.noWatches"));
  } else {
    lines.push(tr.t("watch.listHeader", { count: watched.length }));
    for (const symbol of watched) {
      const entry = symbols.get(symbol);
      lines.push(`• ${escapeMarkdown(entry ? describeEntry(entry) : symbol, 150)}`);
    }
  }
  const schedule = channel?.schedule;
  if (schedule === undefined) {
    lines.push(tr.t("watch.noSchedule"));
  } else {
    let next: string | undefined;
    try {
      next = discordTime(nextSlotAfter(new Date(), schedule).at);
    } catch {
      // A stored schedule the runtime no longer understands still lists; the scheduler logs it.
    }
    const described = formatSchedule(schedule, tr);
    lines.push(next === undefined ? tr.t("watch.schedule", { schedule: described }) : tr.t("watch.scheduleNext", { schedule: described, when: next }));
  }
  if (channel?.pausedReason !== undefined) {
    const reason = escapeMarkdown(channel.pausedReason, 300);
    const pausedAt = channel.pausedAt === undefined ? Number.NaN : Date.parse(channel.pausedAt);
    lines.push(
      Number.isFinite(pausedAt) ? tr.t("watch.pausedSince", { since: discordTime(pausedAt, "f"), reason }) : tr.t("watch.paused", { reason }),
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
