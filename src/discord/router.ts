import {
  ApplicationCommandType,
  MessageFlags,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import { isUserFacingError, UserFacingError } from "../core/errors.ts";
import { noMetrics, type Metrics } from "../core/metrics.ts";
import type { Logger } from "../logger.ts";
import type {
  ChatInputCommand,
  Command,
  CommandContext,
  CommandModule,
  CommandServices,
  Deferral,
  MessageCommand,
} from "./command.ts";
import { escapeMarkdown } from "./escape.ts";
import { replyPrivately } from "./reply.ts";
import { localizedError, translator } from "./i18n.ts";

/** Well inside the 15-minute interaction token, so every user gets an answer before it expires. */
export const DEFAULT_DEADLINE_MS = 12 * 60_000;

export const RESTARTING_MESSAGE = "The bot is restarting; please try again in a minute.";

export function genericErrorMessage(interactionId: string): string {
  return `Something went wrong (ref ${interactionId}). Please try again later.`;
}

type CommandInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

export interface RouterOptions {
  logger: Logger;
  services: CommandServices;
  commands: readonly Command[];
  metrics?: Pick<Metrics, "interaction" | "acknowledged">;
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
type FullContext = CommandContext<CommandServices>;

interface BoundCommand {
  validate(ctx: FullContext): Promise<void>;
  deferral(): Deferral;
  execute(ctx: FullContext): Promise<void>;
}

function bindCommand<I>(command: CommandModule<I, unknown, CommandServices>, interaction: I): BoundCommand {
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
      () => reject(new UserFacingError("timeout", "That took too long. Please try again in a few minutes.", { key: "error.timeout" })),
      ms,
    );
  });
  // The race may already be settled when the deadline fires; never leave a rejection unhandled.
  promise.catch(() => {});
  return { promise, cancel: () => clearTimeout(timer) };
}

/** An error message, escaped, shown privately whatever the deferral was. */
function answer(interaction: CommandInteraction, content: string, deferral: Deferral | undefined): Promise<void> {
  return replyPrivately(interaction, escapeMarkdown(content, 1900), deferral === "public");
}

export function createRouter(options: RouterOptions): Router {
  const { logger, services } = options;
  const metrics = options.metrics ?? noMetrics;
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
    const log = logger.child({ command: interaction.commandName, guildId: interaction.guildId, interactionId: interaction.id });
    const command = bind(interaction);
    const abort = new AbortController();
    const ctx: FullContext = {
      ...services,
      log,
      signal: abort.signal,
      addLogFields: (extra) => Object.assign(fields, extra),
    };
    let outcome = "ok";
    let deferral: Deferral | undefined;
    const timer = deadline(deadlineMs);
    try {
      if (command === undefined) throw new UserFacingError("not_found", "This command is no longer available.", { key: "error.notFound" });
      await command.validate(ctx);
      deferral = command.deferral();
      if (deferral !== "none") {
        await interaction.deferReply(deferral === "ephemeral" ? { flags: MessageFlags.Ephemeral } : {});
        const ackMs = performance.now() - started;
        fields.ackMs = Math.round(ackMs);
        metrics.acknowledged(interaction.commandName, ackMs);
      }
      await Promise.race([command.execute(ctx), timer.promise]);
    } catch (err) {
      if (isUserFacingError(err)) {
        outcome = err.code;
        fields.deferred = interaction.deferred;
        await answer(interaction, localizedError(err, interaction.locale), deferral).catch((replyErr: unknown) =>
          log.warn({ err: replyErr }, "could not send the error message"),
        );
      } else {
        outcome = "error";
        log.error({ err }, "interaction failed");
        await answer(interaction, translator(interaction.locale).t("error.generic", { ref: interaction.id }), deferral).catch((replyErr: unknown) =>
          log.warn({ err: replyErr }, "could not send the error message"),
        );
      }
    } finally {
      timer.cancel();
      abort.abort();
      metrics.interaction(interaction.commandName, outcome);
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
        ...services,
        log: logger.child({ command: interaction.commandName, interactionId: interaction.id }),
        // Discord drops autocomplete answers after 3 s.
        signal: AbortSignal.timeout(2_500),
        addLogFields: () => {},
      });
    } catch (err) {
      logger.warn({ err, command: interaction.commandName, interactionId: interaction.id }, "autocomplete failed");
      if (!interaction.responded) await interaction.respond([]).catch(() => {});
    }
  }

  async function dispatch(interaction: Interaction): Promise<void> {
    if (!accepting) {
      if (interaction.isAutocomplete()) await interaction.respond([]).catch(() => {});
      else if (interaction.isRepliable())
        await interaction.reply({ content: translator(interaction.locale).t("error.restarting"), flags: MessageFlags.Ephemeral }).catch(() => {});
      return;
    }
    if (interaction.isAutocomplete()) return runAutocomplete(interaction);
    if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) return runCommand(interaction);
  }

  return {
    handle(interaction) {
      const task = dispatch(interaction).catch((err: unknown) => {
        logger.error({ err, interactionId: interaction.id }, "interaction handler crashed");
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
