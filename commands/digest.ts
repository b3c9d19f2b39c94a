import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  MessageFlags,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { digestSince } from "../src/core/digest-builder.ts";
import { UserFacingError } from "../src/core/errors.ts";
import { canonicalTimeZone, formatHHMM, latestSlotAtOrBefore, nextSlotAfter, parseHHMM } from "../src/core/slots.ts";
import type { DigestSchedule } from "../src/core/store.ts";
import type { ChatInputCommand, CommandContext, CommandServices } from "../src/discord/command.ts";
import type { ChannelUnavailableError } from "../src/core/outbox.ts";
import { createDiscordSender } from "../src/discord/publisher.ts";
import { channelDigestLanguage } from "../src/discord/digest-language.ts";
import { translator, type MessageKey, type Translator } from "../src/discord/i18n.ts";
import { missingPostingPermissionsOf, permissionNames, type PostingPermission } from "../src/discord/posting-permissions.ts";
import { LANGUAGE_CHOICES } from "../src/discord/locale.ts";
import { withDayCharts } from "../src/discord/digest-charts.ts";
import { renderDigest, type DigestMessage } from "../src/discord/render-digest.ts";
import { replyPrivately } from "../src/discord/reply.ts";
import { timeZoneChoices } from "../src/discord/time-zone-choices.ts";
import { formatSchedule, guildChannelOf, IN_SERVERS, requireManageChannels, resumeIfPaused } from "./shared.ts";

type DigestServices = Pick<CommandServices, "store" | "digestBuilder" | "limits" | "market" | "charts" | "deliverDigest">;
type DigestContext = CommandContext<DigestServices>;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "digest",
  description: "This channel's daily market digest",
  ...IN_SERVERS,
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
        {
          type: ApplicationCommandOptionType.String,
          name: "language",
          description: "Language of the digest (default: the server's language, else English)",
          choices: LANGUAGE_CHOICES,
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

function namesList(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * Why the digest cannot be posted here: a UserFacingError whose params are already in the
 * reader's language (the router fills the reader's catalog text with them), English as its message.
 */
function cannotPost(missing: readonly PostingPermission[], tr: Translator, refusal?: ChannelUnavailableError): UserFacingError {
  const english = translator("en");
  const cause = refusal === undefined ? {} : { cause: refusal };
  const error = (key: MessageKey, params: (t: Translator) => Record<string, string | number>) =>
    new UserFacingError("forbidden", english.t(key, { ...params(english), hint: english.t("error.resumeHint") }), {
      ...cause,
      key,
      params: { ...params(tr), hint: tr.t("error.resumeHint") },
    });
  if (missing.length > 0) return error("error.cannotPostMissing", (t) => ({ permissions: permissionNames(missing, t), count: missing.length }));
  if (refusal?.code === RESTJSONErrorCodes.UnknownChannel) return error("error.channelGone", () => ({}));
  return error("error.cannotPostRefused", () => ({ reason: refusal?.reason ?? "Missing Permissions" }));
}

function scheduleOf(interaction: ChatInputCommandInteraction): DigestSchedule {
  return {
    time: formatHHMM(parseHHMM(interaction.options.getString("time", true))),
    timeZone: canonicalTimeZone(interaction.options.getString("timezone", true)),
    weekdaysOnly: interaction.options.getBoolean("weekdays") ?? true,
  };
}

async function schedule(interaction: ChatInputCommandInteraction, ctx: DigestContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const { store } = ctx;
  const wanted = scheduleOf(interaction);
  const tr = translator(interaction.locale);
  const resumed = await resumeIfPaused(ctx, await store.getChannel(channelId), tr);
  await store.setSchedule(channelId, guildId, wanted);
  const language = channelDigestLanguage(interaction.options.getString("language") ?? undefined, interaction.guildLocale);
  await store.setDigestLanguage(channelId, guildId, language);
  // Whoever sets the digest up is told (by DM) if Discord later keeps refusing the channel.
  await store.setDigestContact(channelId, interaction.user.id);
  const now = new Date();
  // A schedule starts with its next slot: the catch-up must not post today's slot that passed before it existed.
  await store.markSkipped(channelId, latestSlotAtOrBefore(now, wanted).slotKey, "before the schedule was set");
  const next = nextSlotAfter(now, wanted);
  ctx.addLogFields({ schedule: wanted, language });
  const lines = [
    tr.t("reply.scheduleSet", { schedule: formatSchedule(wanted, tr), language: tr.languageName(language) }),
    tr.t("reply.next", { when: `<t:${Math.floor(next.at.getTime() / 1000)}:F>` }),
  ];
  if ((await store.listWatches(channelId)).length === 0) lines.push(tr.t("reply.noWatches"));
  if (resumed) lines.push(resumed);
  await replyPrivately(interaction, lines.join("\n"));
}

async function off(interaction: ChatInputCommandInteraction, ctx: DigestContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const { store } = ctx;
  const had = (await store.getChannel(channelId))?.schedule;
  if (had !== undefined) await store.setSchedule(channelId, guildId, undefined);
  const tr = translator(interaction.locale);
  await replyPrivately(interaction, had === undefined ? tr.t("reply.scheduleOffNone") : tr.t("reply.scheduleOff", { schedule: formatSchedule(had, tr) }));
}

async function postNow(interaction: ChatInputCommandInteraction, ctx: DigestContext): Promise<void> {
  const { channelId, guildId } = guildChannelOf(interaction);
  const { store, digestBuilder } = ctx;
  const symbols = await store.listWatches(channelId);
  const tr = translator(interaction.locale);
  if (symbols.length === 0) {
    await replyPrivately(interaction, tr.t("reply.noWatches"));
    return;
  }
  // Only members who may manage the channel post in it, at most once per cooldown; everyone else gets the same digest privately.
  const mayPost = interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) === true;
  // Checked before any model request: a digest nobody can see would spend the budget for nothing.
  const missing = mayPost ? missingPostingPermissionsOf(interaction) : [];
  if (missing.length > 0) {
    await store.pauseChannel(channelId, `Missing Permissions: the bot needs ${namesList(missing.map((p) => p.name))} here`);
    ctx.addLogFields({ paused: true, missing: missing.map((p) => p.name) });
    throw cannotPost(missing, tr);
  }
  const channel = await store.getChannel(channelId);
  const now = new Date();
  const language = channelDigestLanguage(channel?.language, interaction.guildLocale);
  const digest = await digestBuilder.build({
    symbols,
    since: digestSince(channel?.lastDigestAt, now),
    language,
    now,
    signal: ctx.signal,
    beforeNewLlmCall: ctx.limits.digestHookFor(guildId),
  });
  const messages = renderDigest(digest, { heading: translator(language).t("digest.heading.now"), language });
  const cooledAt = mayPost ? ctx.limits.takePublicDigestPost(channelId) : undefined;
  if (!mayPost || cooledAt !== undefined) {
    ctx.addLogFields({ private: true, cooldown: cooledAt !== undefined, tickers: digest.tickers.length });
    const why = mayPost ? tr.t("reply.digestCooldown", { when: `<t:${Math.floor((cooledAt ?? 0) / 1000)}:R>` }) : tr.t("reply.digestPrivate");
    await answerPrivately(interaction, why, messages);
    return;
  }
  const posting = await withDayCharts(messages, digest, ctx.market && ctx.charts, ctx.log);
  // The same delivery as scheduled digests: a ledger claim, retries, a pause only when refusals persist.
  const outcome = await ctx.deliverDigest(createDiscordSender(interaction.client.rest), `interaction:${interaction.id}`, {
    channelId,
    slotKey: `now:${interaction.id}`,
    signal: ctx.signal,
    compose: () => Promise.resolve(posting),
  });
  if (outcome.status === "paused") {
    ctx.addLogFields({ paused: true, refusal: outcome.refusal.code });
    throw cannotPost(missingPostingPermissionsOf(interaction), tr, outcome.refusal);
  }
  if (outcome.status !== "delivered") {
    if (outcome.status === "failed" && outcome.retryInMs !== undefined) {
      const minutes = Math.max(1, Math.ceil(outcome.retryInMs / 60_000));
      throw new UserFacingError("rate_limited", `Discord is holding back posts in this channel right now; try /digest now again in ${minutes} min.`, {
        key: "error.digestHeldBack",
        params: { minutes },
      });
    }
    throw new Error(`the digest could not be posted: ${outcome.status === "failed" ? outcome.error : outcome.status}`);
  }
  const messageIds = outcome.messageIds;
  const count = digest.tickers.length;
  ctx.addLogFields({ tickers: count, messages: messageIds.length });
  // The post went through, so a pause from an earlier refusal no longer holds.
  const resumed = await resumeIfPaused(ctx, channel, tr);
  await replyPrivately(interaction, [tr.t("reply.digestPosted", { tickers: tr.t("digest.tickers", { count }) }), ...(resumed ? [resumed] : [])].join("\n"));
}

/** The digest as the (ephemeral) interaction reply, further messages as private follow-ups. */
async function answerPrivately(interaction: ChatInputCommandInteraction, note: string, messages: readonly DigestMessage[]): Promise<void> {
  for (const [i, message] of messages.entries()) {
    const content = i === 0 ? [note, message.content].filter((c) => c !== undefined && c !== "").join("\n").slice(0, 2000) : message.content;
    const payload = { ...(content !== undefined ? { content } : {}), embeds: message.embeds, allowedMentions: { parse: [] } };
    if (i === 0) await interaction.editReply(payload);
    else await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
  }
}

export const digest: ChatInputCommand<DigestServices> = {
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
    ctx.addLogFields({ subcommand: sub });
    if (sub === "schedule") await schedule(interaction, ctx);
    else if (sub === "off") await off(interaction, ctx);
    else await postNow(interaction, ctx);
  },
  async autocomplete(interaction) {
    await interaction.respond(timeZoneChoices(interaction.options.getFocused(), 25));
  },
};
