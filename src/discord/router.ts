import {
  ApplicationCommandType,
  MessageFlags,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import type {
  ChatInputCommand,
  Command,
  CommandContext,
  CommandModule,
  Deferral,
  MessageCommand,
} from "../../commands/types.ts";
import type { App } from "../app.ts";
import { isUserFacingError, UserFacingError } from "../core/errors.ts";
import { escapeMarkdown } from "./escape.ts";
import type { BriefLimits } from "./limits.ts";

/** Well inside the 15-minute interaction token, so every user gets an answer before it expires. */
export const DEFAULT_DEADLINE_MS = 12 * 60_000;

export const RESTARTING_MESSAGE = "The bot is restarting; please try again in a minute.";

export function genericErrorMessage(interactionId: string): string {
  return `Something went wrong (ref ${interactionId}). Please try again later.`;
}

type CommandInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

export interface RouterOptions {
  app: App;
  limits: BriefLimits;
  commands: readonly Command[];
  deadlineMs?: number;
}

export interface Router {
  handle(interaction: Interaction): Promise<void>;
  /** Stops taking new interactions: new ones get a short "restarting" answer. */
  stopAccepting(): void;
  /** Waits for in-flight interactions, at most `timeoutMs`; resolves true when all finished. */
  drain(timeoutMs: number): Promise<boolean>;
  readonly inFlight: number;
}

/** A command module applied to one interaction of its own type. */
interface BoundCommand {
  validate(ctx: CommandContext): Promise<void>;
  deferral(): Deferral;
  execute(ctx: CommandContext): Promise<void>;
}

function bindCommand<I>(command: CommandModule<I, unknown>, interaction: I): BoundCommand {
  return {
    validate: async (ctx) => {
      await command.validate?.(interaction, ctx);
    },
    deferral: () => (typeof command.defer === "function" ? command.defer(interaction) : command.defer),
    execute: (ctx) => command.execute(interaction, ctx),
  };
}

function isChatInput(command: Command): command is ChatInputCommand {
  return (command.data.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput;
}

function deadline(ms: number): { promise: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UserFacingError("timeout", "That took too long. Please try again in a few minutes.")),
      ms,
    );
  });
  // The race may already be settled when the deadline fires; never leave a rejection unhandled.
  promise.catch(() => {});
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Shows `content` privately: as an ephemeral reply when nothing was sent yet, in place of an
 * ephemeral deferred reply, or, after a public deferral, by removing the public "thinking…"
 * message and following up privately, so an error never lands in the channel.
 */
async function answer(interaction: CommandInteraction, content: string, deferral: Deferral | undefined): Promise<void> {
  const text = escapeMarkdown(content, 1900);
  if ((interaction.deferred || interaction.replied) && deferral === "public") {
    await interaction.deleteReply().catch(() => {});
    await interaction.followUp({ content: text, allowedMentions: { parse: [] }, flags: MessageFlags.Ephemeral });
  } else if (interaction.deferred || interaction.replied) {
    await interaction.editReply({ content: text, embeds: [], allowedMentions: { parse: [] } });
  } else {
    await interaction.reply({
      content: text,
      allowedMentions: { parse: [] },
      flags: MessageFlags.Ephemeral,
    });
  }
}

export function createRouter(options: RouterOptions): Router {
  const { app, limits } = options;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const chatCommands = new Map<string, ChatInputCommand>();
  const messageCommands = new Map<string, MessageCommand>();
  for (const command of options.commands) {
    const map: Map<string, Command> = isChatInput(command) ? chatCommands : messageCommands;
    if (map.has(command.data.name)) throw new Error(`Command "${command.data.name}" is registered twice`);
    map.set(command.data.name, command);
  }

  function bind(interaction: CommandInteraction): BoundCommand | undefined {
    if (interaction.isChatInputCommand()) {
      const command = chatCommands.get(interaction.commandName);
      return command && bindCommand(command, interaction);
    }
    const command = messageCommands.get(interaction.commandName);
    return command && bindCommand(command, interaction);
  }
  const running = new Set<Promise<void>>();
  let accepting = true;

  async function runCommand(interaction: CommandInteraction): Promise<void> {
    const started = performance.now();
    const fields: Record<string, unknown> = {};
    const log = app.logger.child({ command: interaction.commandName, guildId: interaction.guildId, interactionId: interaction.id });
    const command = bind(interaction);
    const abort = new AbortController();
    const ctx: CommandContext = {
      app,
      limits,
      log,
      signal: abort.signal,
      note: (extra) => Object.assign(fields, extra),
    };
    let outcome = "ok";
    let deferral: Deferral | undefined;
    const timer = deadline(deadlineMs);
    try {
      if (command === undefined) throw new UserFacingError("not_found", "This command is no longer available.");
      await command.validate(ctx);
      deferral = command.deferral();
      if (deferral !== "none") {
        await interaction.deferReply(deferral === "ephemeral" ? { flags: MessageFlags.Ephemeral } : {});
        const ackMs = performance.now() - started;
        fields.ackMs = Math.round(ackMs);
        app.metrics.acknowledged(interaction.commandName, ackMs);
      }
      await Promise.race([command.execute(ctx), timer.promise]);
    } catch (err) {
      if (isUserFacingError(err)) {
        outcome = err.code;
        fields.deferred = interaction.deferred;
        await answer(interaction, err.message, deferral).catch((replyErr: unknown) =>
          log.warn({ err: replyErr }, "could not send the error message"),
        );
      } else {
        outcome = "error";
        log.error({ err }, "interaction failed");
        await answer(interaction, genericErrorMessage(interaction.id), deferral).catch((replyErr: unknown) =>
          log.warn({ err: replyErr }, "could not send the error message"),
        );
      }
    } finally {
      timer.cancel();
      abort.abort();
      app.metrics.interaction(interaction.commandName, outcome);
      log.info({ ...fields, outcome, ms: Math.round(performance.now() - started) }, "interaction");
    }
  }

  async function runAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = chatCommands.get(interaction.commandName);
    try {
      if (command?.autocomplete === undefined) {
        await interaction.respond([]);
        return;
      }
      await command.autocomplete(interaction, {
        app,
        limits,
        log: app.logger.child({ command: interaction.commandName, interactionId: interaction.id }),
        // Discord drops autocomplete answers after 3 s.
        signal: AbortSignal.timeout(2_500),
        note: () => {},
      });
    } catch (err) {
      app.logger.warn({ err, command: interaction.commandName, interactionId: interaction.id }, "autocomplete failed");
      if (!interaction.responded) await interaction.respond([]).catch(() => {});
    }
  }

  async function dispatch(interaction: Interaction): Promise<void> {
    if (!accepting) {
      if (interaction.isAutocomplete()) await interaction.respond([]).catch(() => {});
      else if (interaction.isRepliable())
        await interaction.reply({ content: RESTARTING_MESSAGE, flags: MessageFlags.Ephemeral }).catch(() => {});
      return;
    }
    if (interaction.isAutocomplete()) return runAutocomplete(interaction);
    if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) return runCommand(interaction);
  }

  return {
    handle(interaction) {
      const task = dispatch(interaction).catch((err: unknown) => {
        app.logger.error({ err, interactionId: interaction.id }, "interaction handler crashed");
      });
      running.add(task);
      void task.finally(() => running.delete(task));
      return task;
    },
    stopAccepting() {
      accepting = false;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const done = Promise.allSettled(running).then(() => true as const);
      const finished = await Promise.race([done, timedOut]);
      clearTimeout(timer);
      return finished;
    },
    get inFlight() {
      return running.size;
    },
  };
}
