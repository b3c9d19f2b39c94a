/**
 * The bot as src/main.ts builds it (createApp → createBot with the registry and its services),
 * connected to a fresh Discord emulator on loopback: the one setup the Discord tests share.
 *
 *   const stack = await startBotStack({ env: { DATABASE_URL: `sqlite:${dir}/a.db`, ...llmEnv(llm) } });
 *   try { … stack.emu.dispatchSlashCommand(…) … } finally { await stack.close(); }
 */
import type { Logger } from "pino";
import { commands as registry } from "../../commands/index.ts";
import { createApp, type App } from "../../src/app.ts";
import { commandServices } from "../../src/bot-services.ts";
import { loadConfig } from "../../src/config.ts";
import { createBot, type Bot } from "../../src/discord/bot.ts";
import type { Command } from "../../src/discord/command.ts";
import { deployCommands } from "../../src/discord/deploy.ts";
import type { Metrics } from "../../src/core/metrics.ts";
import { silentLogger } from "../../src/logger.ts";
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions } from "./discord-emulator/index.ts";
import type { OpenAiServer } from "./openai-server.ts";

export interface BotStackOptions {
  /** The environment of the bot besides the emulator's DISCORD_TOKEN and DISCORD_API_URL (DATABASE_URL at least). */
  env: Record<string, string>;
  emulator?: DiscordEmulatorOptions;
  /** Default: the registry of commands/index.ts. */
  commands?: readonly Command[];
  /** Register the commands with the emulator first (default true). */
  deploy?: boolean;
  deadlineMs?: number;
  logger?: Logger;
  metrics?: Metrics;
  /** The commands' clock (epoch ms), for replies that depend on the day. */
  now?: () => number;
}

export interface BotStack {
  emu: DiscordEmulator;
  app: App;
  bot: Bot;
  close(): Promise<void>;
}

/**
 * Settings every Discord test starts from, each overridable: no per-user cooldown, no guild
 * budget, no /digest now cooldown, and no market data (the default source is a public host).
 */
export const QUIET_LIMITS: Readonly<Record<string, string>> = {
  SUMMARIZE_COOLDOWN_S: "0",
  GUILD_DAILY_BRIEFS: "0",
  DIGEST_NOW_COOLDOWN_S: "0",
  MARKET_DATA_URL: "off",
};

/** The model settings for the OpenAI-compatible stand-in. */
export function llmEnv(llm: OpenAiServer): Record<string, string> {
  return { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: "test-key", LLM_MODEL: "stand-in-model", LLM_TIMEOUT_MS: "10000" };
}

export async function startBotStack(options: BotStackOptions): Promise<BotStack> {
  const emu = await startDiscordEmulator(options.emulator);
  let app: App | undefined;
  try {
    const commands = options.commands ?? registry;
    if (options.deploy !== false) await deployCommands(commands, { token: emu.token, apiUrl: emu.apiUrl });
    const config = loadConfig({ ...QUIET_LIMITS, DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl, ...options.env });
    const started = await createApp(config, options.logger ?? silentLogger, options.metrics ? { metrics: options.metrics } : {});
    app = started;
    const bot = createBot({
      discord: config.discord,
      logger: started.logger,
      commands,
      services: { ...commandServices(started), ...(options.now ? { now: options.now } : {}) },
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    });
    await bot.start();
    return {
      emu,
      app: started,
      bot,
      async close() {
        try {
          await bot.stop(2000);
        } finally {
          try {
            await started.close();
          } finally {
            await emu.close();
          }
        }
      },
    };
  } catch (err) {
    await app?.close();
    await emu.close();
    throw err;
  }
}
