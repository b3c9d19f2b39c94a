import { ApplicationCommandType, PermissionFlagsBits, type ChatInputCommandInteraction } from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { UserFacingError } from "../src/core/errors.ts";
import { gatherGuildStatus } from "../src/core/guild-status.ts";
import type { ChatInputCommand, CommandServices } from "../src/discord/command.ts";
import { guildBudgetCounter, utcDay } from "../src/discord/limits.ts";
import { translator } from "../src/discord/i18n.ts";
import { renderStatus } from "../src/discord/render-status.ts";
import { VERSION } from "../src/version.ts";
import { IN_SERVERS } from "./shared.ts";

type StatusServices = Pick<CommandServices, "store" | "feedUrlsFor" | "limits" | "engine">;

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "status",
  description: "What the bot does in this server: engine, budget, digests, failing feeds (Manage Server)",
  ...IN_SERVERS,
  // Discord hides the command from members without Manage Server (admins can change that in
  // Server Settings → Integrations); the runtime check below still applies.
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const MANAGE_GUILD_REQUIRED = "You need the Manage Server permission to see the bot's status for this server.";

function shardsText(interaction: ChatInputCommandInteraction): string | undefined {
  const { shards, shardCount } = interaction.client.options;
  if (!Array.isArray(shards) || shardCount === undefined || shardCount <= 1) return undefined;
  return `this process runs shard${shards.length === 1 ? "" : "s"} ${shards.join(", ")} of ${shardCount}`;
}

export const status: ChatInputCommand<StatusServices> = {
  data,
  defer: "ephemeral",
  validate(interaction) {
    if (interaction.guildId === null) throw new UserFacingError("invalid_input", "Use /status in a server.");
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw new UserFacingError("forbidden", MANAGE_GUILD_REQUIRED);
  },
  async execute(interaction, ctx) {
    const guildId = interaction.guildId ?? "";
    const report = await gatherGuildStatus(
      {
        store: ctx.store,
        feedUrlsFor: ctx.feedUrlsFor,
        budgetCounter: [guildBudgetCounter(guildId), utcDay(Date.now())],
        budgetLimit: ctx.limits.guildDailyBriefs,
      },
      guildId,
    );
    ctx.addLogFields({ channels: report.channels.length, failingFeeds: report.failingFeeds.length });
    const shards = shardsText(interaction);
    const content = renderStatus(
      {
        engine: ctx.engine.name,
        ...(ctx.engine.model !== undefined ? { model: ctx.engine.model } : {}),
        version: VERSION,
        ...(shards ? { shards } : {}),
      },
      report,
      translator(interaction.locale),
    );
    await interaction.editReply({ content, allowedMentions: { parse: [] } });
  },
};
