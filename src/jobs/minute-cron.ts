import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../logger.ts";

/** The node-cron task that calls `onTick` every minute, never two at once, logging through our logger. */
export function scheduleEveryMinute(name: string, log: Logger, onTick: () => Promise<void>): ScheduledTask {
  return cron.schedule("* * * * *", onTick, { name, noOverlap: true, logger: cronLogger(log) });
}

function cronLogger(log: Logger) {
  return {
    info: (message: string) => log.debug({ source: "node-cron" }, message),
    warn: (message: string) => log.warn({ source: "node-cron" }, message),
    error: (message: string | Error, err?: Error) => log.error({ source: "node-cron", err: err ?? message }, "node-cron error"),
    debug: (message: string | Error) => log.debug({ source: "node-cron" }, String(message)),
  };
}
