import { Events, type Client } from "discord.js";
import { commands as registry } from "../../commands/index.ts";
import type { Command } from "../../commands/types.ts";
import type { App } from "../app.ts";
import { createDiscordClient } from "./client.ts";
import { createBriefLimits } from "./limits.ts";
import { createRouter, type Router } from "./router.ts";

export interface BotOptions {
  commands?: readonly Command[];
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
export function createBot(app: App, options: BotOptions = {}): Bot {
  const { token } = app.config.discord;
  if (token === undefined) throw new Error("DISCORD_TOKEN is required to run the bot");
  const log = app.logger;
  const client = createDiscordClient(app.config.discord);
  const limits = createBriefLimits(app.store, {
    cooldownS: app.config.discord.summarizeCooldownS,
    guildDailyBriefs: app.config.discord.guildDailyBriefs,
  });
  const router = createRouter({
    app,
    limits,
    commands: options.commands ?? registry,
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
