import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
} from "discord.js";
import type {
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import type { App } from "../src/app.ts";
import type { Logger } from "../src/logger.ts";
import type { BriefLimits } from "../src/discord/limits.ts";

/** How the router acknowledges an interaction before any I/O: Discord allows 3 s. */
export type Deferral = "ephemeral" | "public" | "none";

export interface CommandContext {
  app: App;
  limits: BriefLimits;
  /** Child logger bound to { command, guildId, interactionId }. */
  log: Logger;
  /** Aborted at the interaction's overall deadline (well before the 15-minute token expires). */
  signal: AbortSignal;
  /** Adds fields to the interaction's one structured log line (engine, cached, tokens…). */
  note(fields: Record<string, unknown>): void;
}

export interface CommandModule<I, D> {
  /** Typed plain data: exactly what deploy-commands sends to Discord. */
  readonly data: D;
  readonly defer: Deferral | ((interaction: I) => Deferral);
  /** Runs before deferring: throw a UserFacingError to answer privately at once (input errors). */
  validate?(interaction: I, ctx: CommandContext): void | Promise<void>;
  execute(interaction: I, ctx: CommandContext): Promise<void>;
}

export interface ChatInputCommand
  extends CommandModule<ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody> {
  autocomplete?(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void>;
}

export type MessageCommand = CommandModule<
  MessageContextMenuCommandInteraction,
  RESTPostAPIContextMenuApplicationCommandsJSONBody
>;

export type Command = ChatInputCommand | MessageCommand;
