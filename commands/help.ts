import { ApplicationCommandType } from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import type { ChatInputCommand } from "../src/discord/command.ts";
import { translator } from "../src/discord/i18n.ts";
import { IN_SERVERS } from "./shared.ts";

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "help",
  description: "What each of the bot's commands does (only you see the answer)",
  ...IN_SERVERS,
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** What each command does, in the reader's language (English where the catalog has none). */
export function helpText(locale: string): string {
  return translator(locale).t("help.text");
}

export const help: ChatInputCommand<object> = {
  data,
  defer: "ephemeral",
  async execute(interaction) {
    await interaction.editReply({ content: helpText(interaction.locale), allowedMentions: { parse: [] } });
  },
};
