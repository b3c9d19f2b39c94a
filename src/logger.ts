import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stderr, so CLI stdout stays machine-readable. */
export function createLogger(level: string = "info"): Logger {
  return pino({ level, base: { app: "marketbrief" } }, pino.destination(2));
}

export const silentLogger: Logger = pino({ level: "silent" });
