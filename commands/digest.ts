import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { digestSince } from "../src/core/digest-builder.ts";
import { UserFacingError } from "../src/core/errors.ts";
import { canonicalTimeZone, formatHHMM, latestSlotAtOrBefore, nextSlotAfter, parseHHMM, timeZoneSuggestions } from "../src/core/slots.ts";
import type { DigestSchedule, Store } from "../src/core/store.ts";
import { guildBudgetCounter, utcDay } from "../src/discord/limits.ts";
import { createDiscordSender, type ChannelUnavailableError } from "../src/discord/publisher.ts";
import { deliverDigest } from "../src/jobs/delivery.ts";
import { DIGEST_LANGUAGE } from "../src/jobs/scheduler.ts";
import { renderDigest } from "../src/discord/render-digest.ts";
import type { ChatInputCommand, CommandContext } from "./types.ts";
import { answer, formatSchedule, formatSlotInstant, guildChannelOf, requireManageChannels, resumeIfPaused } from "./watch.ts";

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "digest",
  description: "This channel's daily market digest",
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "schedule",
      description: "When the daily digest arrives, in the channel's time zone (needs Manage Channels)",
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: "time",
          description: "Local time of day, 24-hour HH:MM, e.g. 07:30",
          required: true,
          min_length: 4,
          max_length: 5,
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "timezone",
          description: "IANA time zone, e.g. Europe/Berlin, America/New_York, Asia/Tokyo",
          required: true,
          autocomplete: true,
          max_length: 64,
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: "weekdays",
          description: "Only Monday to Friday (default: yes)",
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "now",
      description: "Post today's digest of this channel's tickers here now",
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "off",
      description: "Stop the scheduled digest here; the watchlist is kept (needs Manage Channels)",
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const NO_WATCHES = "This channel follows no tickers yet: use /watch add.";

/** What the bot needs in a channel to post a digest. */
const POSTING_PERMISSIONS = [
  { flag: PermissionFlagsBits.ViewChannel, name: "View Channel" },
  { flag: PermissionFlagsBits.SendMessages, name: "Send Messages" },
  { flag: PermissionFlagsBits.EmbedLinks, name: "Embed Links" },
] as const;

export function missingPostingPermissions(interaction: ChatInputCommandInteraction): string[] {
  return POSTING_PERMISSIONS.filter((p) => !interaction.appPermissions.has(p.flag)).map((p) => p.name);
}

function namesList(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

const RESUME_HINT = "Digests in this channel are paused until that is fixed and someone with Manage Channels uses /watch add, /watch remove or /digest schedule here.";

function cannotPost(missing: readonly string[], refusal?: ChannelUnavailableError): string {
  if (missing.length > 0) {
    const noun = missing.length === 1 ? "permission" : "permissions";
    return `I can't post the digest in this channel: I'm missing the ${namesList(missing)} ${noun} here. ${RESUME_HINT}`;
  }
  if (refusal?.code === RESTJSONErrorCodes.UnknownChannel) return `Discord says this channel no longer exists for me. ${RESUME_HINT}`;
  return `Discord refused the digest in this channel (${refusal?.reason ?? "Missing Permissions"}). ${RESUME_HINT}`;
}

/**
 * The guild's daily LLM budget (GUILD_DAILY_BRIEFS, the counter /summarize spends) for the
 * digest's new model requests; the per-user summarize cooldown does not apply, since one digest
 * makes several requests at once.
 */
export function guildBudgetHook(store: Store, guildId: string, limit: number, now: () => number = Date.now): () => Promise<void> {
  return async () => {
    if (limit <= 0) return;
    const name = guildBudgetCounter(guildId);
    const day = utcDay(now());
    const used = await store.incrementCounter(name, day, 1);
    if (used > limit) {
      await store.incrementCounter(name, day, -1);
      throw new UserFacingError(
        "budget_exhausted",
        `This server has used its ${limit} new model requests for today, so the digest cannot be written now; tickers already summarized today still work. The budget resets at 00:00 UTC.`,
      );
    }
  };
}

function scheduleOf(interaction: ChatInputCommandInteraction): DigestSchedule {
  return {
    time: formatHHMM(parseHHMM(interaction.options.getString("time", true))),
    timeZone: canonicalTimeZone(interaction.options.getString("timezone", true)),
    weekdaysOnly: interaction.options.getBoolean("weekdays") ?? true,
  };
}

async function schedule(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const { store } = ctx.app;
  const wanted = scheduleOf(interaction);
  const resumed = await resumeIfPaused(ctx, await store.getChannel(channelId));
  await store.setSchedule(channelId, guildId, wanted);
  // Whoever sets the digest up is told (by DM) if Discord later keeps refusing the channel.
  await store.setDigestContact(channelId, interaction.user.id);
  const now = new Date();
  // A schedule starts with its next slot: the catch-up must not post today's slot that passed before it existed.
  await store.markSkipped(channelId, latestSlotAtOrBefore(now, wanted).slotKey, "before the schedule was set");
  const next = nextSlotAfter(now, wanted);
  ctx.note({ schedule: wanted });
  const lines = [
    `Daily digest for this channel: ${formatSchedule(wanted)}.`,
    `Next: ${formatSlotInstant(next.at, wanted.timeZone)}.`,
  ];
  if ((await store.listWatches(channelId)).length === 0) lines.push(NO_WATCHES);
  if (resumed) lines.push(resumed);
  await answer(interaction, lines.join("\n"));
}

async function off(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const { store } = ctx.app;
  const had = (await store.getChannel(channelId))?.schedule;
  if (had !== undefined) await store.setSchedule(channelId, guildId, undefined);
  await answer(
    interaction,
    had === undefined
      ? "This channel has no scheduled digest. /digest now still posts one on request."
      : `Scheduled digests are off for this channel (it was ${formatSchedule(had)}). Its watchlist is kept; /digest now still posts one on request.`,
  );
}

async function postNow(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const { store, digestBuilder, config } = ctx.app;
  const symbols = await store.listWatches(channelId);
  if (symbols.length === 0) {
    await answer(interaction, NO_WATCHES);
    return;
  }
  // Checked before any model request: a digest nobody can see would spend the budget for nothing.
  const missing = missingPostingPermissions(interaction);
  if (missing.length > 0) {
    await store.pauseChannel(channelId, `Missing Permissions: the bot needs ${namesList(missing)} here`);
    ctx.note({ paused: true, missing });
    throw new UserFacingError("forbidden", cannotPost(missing));
  }
  const channel = await store.getChannel(channelId);
  const now = new Date();
  let count = 0;
  // The same delivery as scheduled digests: a ledger claim, retries, a pause only when refusals persist.
  const outcome = await deliverDigest(
    { store, sender: createDiscordSender(interaction.client.rest), log: ctx.log, owner: `interaction:${interaction.id}` },
    {
      channelId,
      slotKey: `now:${interaction.id}`,
      signal: ctx.signal,
      compose: async (signal) => {
        const digest = await digestBuilder.build({
          symbols,
          since: digestSince(channel?.lastDigestAt, now),
          language: DIGEST_LANGUAGE,
          now,
          signal,
          beforeNewLlmCall: guildBudgetHook(store, guildId, config.discord.guildDailyBriefs),
        });
        count = digest.tickers.length;
        return renderDigest(digest, { heading: "Digest" });
      },
    },
  );
  if (outcome.status === "paused") {
    ctx.note({ paused: true, refusal: outcome.refusal.code });
    throw new UserFacingError("forbidden", cannotPost(missingPostingPermissions(interaction), outcome.refusal), { cause: outcome.refusal });
  }
  if (outcome.status !== "delivered") {
    // A refused budget (or another user-facing failure while building) is the user's answer.
    if (outcome.status === "failed" && outcome.cause instanceof UserFacingError) throw outcome.cause;
    const error = outcome.status === "failed" ? outcome.error : outcome.status;
    if (outcome.status === "failed" && outcome.retryInMs !== undefined) {
      const minutes = Math.max(1, Math.ceil(outcome.retryInMs / 60_000));
      throw new UserFacingError("rate_limited", `Discord is holding back posts in this channel right now; try /digest now again in ${minutes} min.`);
    }
    throw new Error(`the digest could not be posted: ${error}`);
  }
  const messageIds = outcome.messageIds;
  ctx.note({ tickers: count, messages: messageIds.length });
  // The post went through, so a pause from an earlier refusal no longer holds.
  const resumed = await resumeIfPaused(ctx, channel);
  await answer(interaction, [`Digest posted (${count} ${count === 1 ? "ticker" : "tickers"}).`, ...(resumed ? [resumed] : [])].join("\n"));
}

export const digest: ChatInputCommand = {
  data,
  defer: "ephemeral",
  validate(interaction) {
    const sub = interaction.options.getSubcommand();
    guildChannelOf(interaction);
    if (sub === "schedule" || sub === "off") requireManageChannels(interaction);
    if (sub === "schedule") scheduleOf(interaction);
  },
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand();
    ctx.note({ subcommand: sub });
    if (sub === "schedule") await schedule(interaction, ctx);
    else if (sub === "off") await off(interaction, ctx);
    else await postNow(interaction, ctx);
  },
  async autocomplete(interaction) {
    const zones = timeZoneSuggestions(interaction.options.getFocused(), 25);
    await interaction.respond(zones.map((zone) => ({ name: zone, value: zone })));
  },
};
