import {
  ApplicationCommandType,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import type { RESTPostAPIContextMenuApplicationCommandsJSONBody } from "discord-api-types/v10";
import { UserFacingError } from "../src/core/errors.ts";
import { resolveBriefLanguage } from "../src/discord/locale.ts";
import type { CommandContext, MessageCommand } from "../src/discord/command.ts";
import {
  type BriefServices,
  IN_SERVERS,
  replyWithBrief,
} from "./shared.ts";

const data = {
  type: ApplicationCommandType.Message,
  name: "Summarize link",
  ...IN_SERVERS,
} as const satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;

const LINK = /https?:\/\/[^\s<>]+/gi;

/** First http(s) link in a message: its text first (Markdown masked links included), then its embeds. */
export function firstLink(content: string, embedUrls: readonly (string | null | undefined)[]): string | undefined {
  for (const match of content.matchAll(LINK)) {
    let link = match[0];
    // Trailing punctuation, and the ")" closing a masked link, are not part of the URL.
    while (/[.,;:!?'"\]*_~|]$/.test(link) || (link.endsWith(")") && !link.includes("("))) link = link.slice(0, -1);
    if (link.length > "https://".length) return link;
  }
  return embedUrls.find((u): u is string => typeof u === "string" && /^https?:\/\//i.test(u));
}

function linkOf(interaction: MessageContextMenuCommandInteraction, ctx: CommandContext<BriefServices>): URL {
  const message = interaction.targetMessage;
  const link = firstLink(message.content, message.embeds.map((e) => e.url));
  if (link === undefined) {
    throw new UserFacingError("invalid_input", "That message has no http(s) link to summarize; use /summarize url:<link> instead.", {
      key: "error.noLinkInMessage",
    });
  }
  return ctx.links.check(link);
}

/** Same reply as /summarize. Public, like /summarize's default: the point is sharing the brief in the channel. */
export const summarizeLink: MessageCommand<BriefServices> = {
  data,
  defer: "public",
  validate(interaction, ctx) {
    linkOf(interaction, ctx);
  },
  async execute(interaction, ctx) {
    const language = resolveBriefLanguage(undefined, interaction.locale);
    await replyWithBrief(interaction, ctx, linkOf(interaction, ctx), language);
  },
};
