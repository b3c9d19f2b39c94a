import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { LANGUAGE_CHOICES, resolveBriefLanguage } from "../src/discord/locale.ts";
import type { ChatInputCommand, CommandContext } from "../src/discord/command.ts";
import {
  type BriefServices,
  IN_SERVERS,
  privateOption,
  replyWithBrief,
} from "./shared.ts";

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "summarize",
  description: "Summarize a market-news article into a short brief",
  ...IN_SERVERS,
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: "url",
      description: "Link to the article (https://…)",
      required: true,
      max_length: 2048,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: "language",
      description: "Language of the brief (default: your Discord language, else English)",
      choices: LANGUAGE_CHOICES,
    },
    privateOption("Only you see the brief"),
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

function linkOf(interaction: ChatInputCommandInteraction, ctx: CommandContext<BriefServices>): URL {
  return ctx.links.check(interaction.options.getString("url", true));
}

export const summarize: ChatInputCommand<BriefServices> = {
  data,
  defer: (interaction) => (interaction.options.getBoolean("private") ? "ephemeral" : "public"),
  validate(interaction, ctx) {
    linkOf(interaction, ctx);
  },
  async execute(interaction, ctx) {
    const language = resolveBriefLanguage(interaction.options.getString("language"), interaction.locale);
    await replyWithBrief(interaction, ctx, linkOf(interaction, ctx), language);
  },
};
