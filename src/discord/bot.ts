import { Events, type Client } from "discord.js";
import type { Config } from "../config.ts";
import type { Metrics } from "../core/metrics.ts";
import type { Logger } from "../logger.ts";
import { createDiscordClient } from "./client.ts";
import type { Command, CommandServices } from "./command.ts";
import { createRouter, type Router } from "./router.ts";

export interface BotOptions {
  discord: Config["discord"];
  logger: Logger;
  /** The registry (commands/index.ts), and what its commands may use. */
  commands: readonly Command[];
  services: CommandServices;
  /** Interactions by command and outcome, acknowledgement latency (default: nothing counted). */
  metrics?: Pick<Metrics, "interaction" | "acknowledged">;
  /** Overall per-interaction deadline (default 12 minutes, inside the 15-minute token). */
  deadlineMs?: number;
}

export interface Bot {
  readonly client: Client;
  readonly router: Router;
  /** Logs in and resolves once the gateway session is ready. */
  start(): Promise<void>;
  /** Stops taking interactions, waits up to `drainMs` for in-flight ones, then disconnects. */
  stop(drainMs?: number): Promise<{ drained: boolean }>;
}

/** The bot as main.ts runs it; tests build it the same way, pointed at a local Discord. */
export function createBot(options: BotOptions): Bot {
  const { token } = options.discord;
  if (token === undefined) throw new Error("DISCORD_TOKEN is required to run the bot");
  const log = options.logger;
  const client = createDiscordClient(options.discord);
  const router = createRouter({
    logger: log,
    services: options.services,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    commands: options.commands,
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
  });

  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.ClientReady, (ready) =>
    log.info({ user: ready.user.id, guilds: ready.guilds.cache.size }, "connected to Discord"),
  );
  client.on(Events.Error, (err) => log.error({ err }, "Discord client error"));
  client.on(Events.ShardError, (err, shardId) => log.error({ err, shardId }, "gateway connection error"));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ code: event.code, shardId }, "gateway disconnected"));
  client.on(Events.ShardReconnecting, (shardId) => log.info({ shardId }, "gateway reconnecting"));
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, "gateway session resumed"));
  client.on(Events.Warn, (message) => log.warn({ message }, "Discord client warning"));
  client.rest.on("rateLimited", (info) =>
    log.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global }, "Discord rate limit"),
  );

  return {
    client,
    router,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      if (!client.isReady()) await ready;
    },
    async stop(drainMs = 10_000) {
      router.stopAccepting();
      const drained = await router.drain(drainMs);
      if (!drained) log.warn({ inFlight: router.inFlight }, "shutting down with interactions still running");
      await client.destroy();
      return { drained };
    },
  };
}
