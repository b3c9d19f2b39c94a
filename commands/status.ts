import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { UserFacingError } from "../src/core/errors.ts";
import { gatherGuildStatus } from "../src/core/guild-status.ts";
import { guildBudgetCounter, utcDay } from "../src/discord/limits.ts";
import { renderStatus } from "../src/discord/render-status.ts";
import { VERSION } from "../src/version.ts";
import type { ChatInputCommand } from "./types.ts";

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "status",
  description: "What the bot does in this server: engine, budget, digests, failing feeds (Manage Server)",
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  // Discord hides the command from members without Manage Server (admins can change that in
  // Server Settings → Integrations); the runtime check below still applies.
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const MANAGE_GUILD_REQUIRED = "You need the Manage Server permission to see the bot's status for this server.";

const POSTABLE: readonly ChannelType[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];

/** The server's text channels the bot knows of (from the gateway cache), and the one asked in. */
function channelIdsOf(interaction: ChatInputCommandInteraction): string[] {
  const cached = interaction.guild?.channels.cache.filter((c) => POSTABLE.includes(c.type)).map((c) => c.id) ?? [];
  return interaction.channelId ? [interaction.channelId, ...cached] : cached;
}

function shardsText(interaction: ChatInputCommandInteraction): string | undefined {
  const { shards, shardCount } = interaction.client.options;
  if (!Array.isArray(shards) || shardCount === undefined || shardCount <= 1) return undefined;
  return `this process runs shard${shards.length === 1 ? "" : "s"} ${shards.join(", ")} of ${shardCount}`;
}

export const status: ChatInputCommand = {
  data,
  defer: "ephemeral",
  validate(interaction) {
    if (interaction.guildId === null) throw new UserFacingError("invalid_input", "Use /status in a server.");
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw new UserFacingError("forbidden", MANAGE_GUILD_REQUIRED);
  },
  async execute(interaction, ctx) {
    const guildId = interaction.guildId ?? "";
    const { app } = ctx;
    const report = await gatherGuildStatus(
      {
        store: app.store,
        feedUrlsFor: (symbol) => app.feedUrlsFor(symbol),
        budgetCounter: [guildBudgetCounter(guildId), utcDay(Date.now())],
        budgetLimit: app.config.discord.guildDailyBriefs,
      },
      channelIdsOf(interaction),
    );
    ctx.note({ channels: report.channels.length, failingFeeds: report.failingFeeds.length });
    const shards = shardsText(interaction);
    const content = renderStatus(
      {
        engine: app.llm ? "llm" : "extractive",
        ...(app.llm ? { model: app.llm.model } : {}),
        version: VERSION,
        ...(shards ? { shards } : {}),
      },
      report,
    );
    await interaction.editReply({ content, allowedMentions: { parse: [] } });
  },
};
