import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
} from "discord.js";
import type {
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import type { DigestBuilder } from "../core/digest.ts";
import type { ChartRenderer, MarketData } from "../core/market.ts";
import type { DeliveryOutcome, DeliveryRequest, DigestSender } from "../core/outbox.ts";
import type { LinkPolicy, SymbolDirectory } from "../core/ports.ts";
import type { Store } from "../core/store.ts";
import type { Summarizer } from "../core/summarize.ts";
import type { Logger } from "../logger.ts";
import type { BriefLimits } from "./limits.ts";

/** How the router acknowledges an interaction before any I/O: Discord allows 3 s. */
export type Deferral = "ephemeral" | "public" | "none";

/**
 * Every service a command may use, built by the composition root. A command declares the few it
 * uses (`Pick<CommandServices, …>`) and sees only those in its context.
 */
export interface CommandServices {
  store: Store;
  symbols: SymbolDirectory;
  summarizer: Summarizer;
  digestBuilder: DigestBuilder;
  /** Checks a user's link before deferring (the fetcher checks every address again at connect time). */
  links: LinkPolicy;
  /** Per-user cooldown, per-guild daily budget of new model requests, public /digest now cooldown. */
  limits: BriefLimits;
  /** Tickers a channel may follow. */
  watchLimit: number;
  /** Prices and chart bars; absent with MARKET_DATA_URL=off. */
  market?: MarketData;
  charts: ChartRenderer;
  /** The news feeds read for a ticker (empty for a symbol the directory does not know). */
  feedUrlsFor(symbol: string): readonly string[];
  /**
   * Posts a digest through the one delivery path scheduled digests take (a ledger claim, retries,
   * a pause only when refusals persist), sent with `sender` and claimed as `owner`.
   */
  deliverDigest(sender: DigestSender, owner: string, request: DeliveryRequest): Promise<DeliveryOutcome>;
  /** Which engine writes briefs, for /status. */
  engine: { name: "llm" | "extractive"; model?: string };
  /** The clock (epoch ms) where a reply depends on the day; Date.now unless a test injects one. */
  now?: () => number;
}

/** What the router gives one interaction: its services, a logger, a deadline, log fields. */
export type CommandContext<S extends Partial<CommandServices> = Partial<CommandServices>> = S & {
  /** Child logger bound to { command, guildId, interactionId }. */
  log: Logger;
  /** Aborted at the interaction's overall deadline (well before the 15-minute token expires). */
  signal: AbortSignal;
  /** Adds fields to the interaction's one structured log line (engine, cached, tokens…). */
  addLogFields(fields: Record<string, unknown>): void;
};

export interface CommandModule<I, D, S extends Partial<CommandServices>> {
  /** Typed plain data: exactly what deploy-commands sends to Discord. */
  readonly data: D;
  readonly defer: Deferral | ((interaction: I) => Deferral);
  /** Runs before deferring: throw a UserFacingError to answer privately at once (input errors). */
  validate?(interaction: I, ctx: CommandContext<S>): void | Promise<void>;
  execute(interaction: I, ctx: CommandContext<S>): Promise<void>;
}

export interface ChatInputCommand<S extends Partial<CommandServices> = Partial<CommandServices>>
  extends CommandModule<ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody, S> {
  autocomplete?(interaction: AutocompleteInteraction, ctx: CommandContext<S>): Promise<void>;
}

export type MessageCommand<S extends Partial<CommandServices> = Partial<CommandServices>> = CommandModule<
  MessageContextMenuCommandInteraction,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
  S
>;

/**
 * A command of the registry. The router hands every command the whole CommandServices, of which
 * each command's own type lets it see only what it declared.
 */
export type Command = ChatInputCommand<CommandServices> | MessageCommand<CommandServices>;
