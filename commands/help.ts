import { ApplicationCommandType } from "discord.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import type { ChatInputCommand } from "../src/discord/command.ts";
import { IN_SERVERS } from "./shared.ts";

const data = {
  type: ApplicationCommandType.ChatInput,
  name: "help",
  description: "What each of the bot's commands does (only you see the answer)",
  description_localizations: { de: "Was die Befehle des Bots tun (nur du siehst die Antwort)" },
  ...IN_SERVERS,
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

const HELP: Record<"en" | "de", string> = {
  en: [
    "**marketbrief** turns market news into short briefs whose key points quote the article.",
    "",
    "**/summarize** `url` — a brief of one article: key points with quotes, tickers with their moves, why it matters. `private: true` shows it only to you; `language` picks the brief's language.",
    "**Summarize link** (right-click a message → Apps) — the same for the first link in a message.",
    "**/watch add** `ticker` · **/watch remove** `ticker` — the tickers this channel follows (Manage Channels).",
    "**/watch list** — what this channel follows, its digest time, and whether digests are paused.",
    "**/digest schedule** `time` `timezone` — one digest a day at the channel's local time (Manage Channels). **/digest off** stops it.",
    "**/digest now** — today's digest for this channel's tickers, posted now.",
    "**/status** — engine, today's budget, every channel's digest, failing feeds (Manage Server).",
    "**/help** — this message.",
    "",
    "Briefs summarize the linked article only; they are not investment advice.",
  ].join("\n"),
  de: [
    "**marketbrief** macht aus Marktnachrichten kurze Briefings, deren Kernpunkte den Artikel zitieren.",
    "",
    "**/summarize** `url` — ein Briefing zu einem Artikel: Kernpunkte mit Zitaten, Ticker mit Kursbewegungen, warum es wichtig ist. `private: true` zeigt es nur dir; `language` wählt die Sprache.",
    "**Summarize link** (Rechtsklick auf eine Nachricht → Apps) — dasselbe für den ersten Link einer Nachricht.",
    "**/watch add** `ticker` · **/watch remove** `ticker` — die Ticker, denen dieser Kanal folgt (Kanäle verwalten).",
    "**/watch list** — was dieser Kanal verfolgt, die Digest-Zeit und ob Digests pausiert sind.",
    "**/digest schedule** `time` `timezone` — ein Digest pro Tag zur Ortszeit des Kanals (Kanäle verwalten). **/digest off** beendet ihn.",
    "**/digest now** — der heutige Digest für die Ticker dieses Kanals, sofort.",
    "**/status** — Engine, heutiges Budget, Digests aller Kanäle, fehlerhafte Feeds (Server verwalten).",
    "**/help** — diese Nachricht.",
    "",
    "Briefings fassen nur den verlinkten Artikel zusammen; sie sind keine Anlageberatung.",
  ].join("\n"),
};

/** The reader's language when the help exists in it, else English. */
export function helpText(locale: string): string {
  return locale.toLowerCase().startsWith("de") ? HELP.de : HELP.en;
}

export const help: ChatInputCommand<object> = {
  data,
  defer: "ephemeral",
  async execute(interaction) {
    await interaction.editReply({ content: helpText(interaction.locale), allowedMentions: { parse: [] } });
  },
};
