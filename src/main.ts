import { createApp, type App } from "./app.ts";
import { commandServices, startBotOpsServer } from "./bot-services.ts";
import { commands } from "../commands/index.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { UserFacingError } from "./core/errors.ts";
import { createLogger, secretsOf } from "./logger.ts";
import { createBot } from "./discord/bot.ts";
import { createDigestComposer } from "./discord/digest-charts.ts";
import { createDiscordSender } from "./discord/publisher.ts";
import { createDigestScheduler, type DigestScheduler } from "./jobs/scheduler.ts";
import { createPrometheusMetrics } from "./adapters/metrics/prometheus.ts";
import { inviteUrl } from "./discord/invite.ts";
import type { OpsServer } from "./http/server.ts";

const NO_TOKEN = `marketbrief: DISCORD_TOKEN is not set, so the bot cannot connect to Discord.
Set it in a .env file in this folder (or in the environment):
  DISCORD_TOKEN=<your bot token>            (Discord developer portal → your application → Bot)
  DISCORD_APPLICATION_ID=<application id>   (optional; looked up with the token when absent)
To try briefs without Discord: npx marketbrief summarize <url>
`;

const SHUTDOWN_DRAIN_MS = 10_000;

/** Returns an exit code when the bot cannot start; otherwise keeps running until a signal. */
async function main(): Promise<number | undefined> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`marketbrief: invalid configuration:\n${err.problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 1;
  }
  if (config.discord.token === undefined) {
    process.stderr.write(NO_TOKEN);
    return 1;
  }

  const logger = createLogger(config.logLevel ?? "info", { secrets: secretsOf(config) });
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled promise rejection"));
  const metrics = createPrometheusMetrics({ defaultMetrics: config.http !== undefined });
  let app: App;
  try {
    // Opens, migrates and writes the store once: a storage problem stops the start here, before login.
    app = await createApp(config, logger, { metrics });
  } catch (err) {
    if (!(err instanceof UserFacingError)) throw err;
    process.stderr.write(`marketbrief: ${err.message}\n`);
    return 1;
  }
  const bot = createBot({ discord: config.discord, logger, commands, services: commandServices(app), metrics });
  let ops: OpsServer | undefined;

  let scheduler: DigestScheduler | undefined;
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: bot.router.inFlight }, "shutting down");
    let code = 0;
    try {
      await scheduler?.stop(SHUTDOWN_DRAIN_MS);
      await bot.stop(SHUTDOWN_DRAIN_MS);
      await ops?.close();
    } catch (err) {
      logger.error({ err }, "error while disconnecting");
      code = 1;
    }
    await app.close().catch((err: unknown) => logger.error({ err }, "error while closing the store"));
    logger.info("stopped");
    logger.flush();
    process.exit(code);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  try {
    ops = await startBotOpsServer(app, bot.client, metrics);
  } catch (err) {
    process.stderr.write(`marketbrief: could not serve health and metrics on ${config.http?.host}:${config.http?.port}: ${(err as Error).message}\n`);
    await app.close();
    return 1;
  }

  try {
    await bot.start();
  } catch (err) {
    const code = (err as { code?: string }).code;
    logger.fatal({ err }, "could not connect to Discord");
    process.stderr.write(
      code === "TokenInvalid"
        ? "marketbrief: Discord rejected DISCORD_TOKEN; check the bot token in .env.\n"
        : `marketbrief: could not connect to Discord: ${(err as Error).message}\n`,
    );
    await bot.stop(0).catch(() => {});
    await ops?.close();
    await app.close();
    return 1;
  }
  const applicationId = bot.client.application?.id;
  if (applicationId) {
    const invite = inviteUrl(applicationId);
    logger.info({ invite }, "invite the bot to a server with this link");
    // For the person who just started it: one plain line, as deploy-commands prints.
    process.stdout.write(`Invite marketbrief to a server: ${invite}\n`);
  }
  scheduler = createDigestScheduler({
    store: app.store,
    builder: app.digestBuilder,
    sender: createDiscordSender(bot.client.rest),
    compose: createDigestComposer(app.market ? app.charts : undefined, logger),
    log: logger.child({ component: "scheduler" }),
    catchupHours: config.digest.catchupHours,
    leaseMs: config.digest.leaseS * 1000,
    metrics,
  });
  scheduler.start().catch((err: unknown) => logger.error({ err }, "digest scheduler failed to start"));
  return undefined;
}

const code = await main();
if (code !== undefined) process.exit(code);
