import { OpenAI, type ClientOptions } from "openai";
import type { Logger } from "../../logger.ts";

export interface LlmClientOptions {
  apiKey: string;
  baseURL?: string;
  /** Bound on each model request. */
  timeoutMs: number;
  logger?: Logger;
}

/**
 * The OpenAI-compatible client both LLM adapters use. The SDK's own retries are off:
 * `requestStructured` runs the one bounded retry policy.
 */
export function createLlmClient(options: LlmClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    maxRetries: 0,
    timeout: options.timeoutMs,
    // The SDK logs to console (stdout) by default; the CLI's stdout must stay machine-readable.
    ...(options.logger !== undefined ? { logger: sdkLogger(options.logger) } : { logLevel: "off" as const }),
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
  });
}

function sdkLogger(logger: Logger): NonNullable<ClientOptions["logger"]> {
  const forward = (level: "error" | "warn" | "info" | "debug") => (message: string, ...details: unknown[]) =>
    logger[level]({ sdk: "openai", ...(details.length > 0 ? { details } : {}) }, message);
  return { error: forward("error"), warn: forward("warn"), info: forward("info"), debug: forward("debug") };
}
