/**
 * What the bot counts, as a port: core services, jobs and adapters record through it and never
 * import a metrics library. The Prometheus adapter (src/adapters/metrics) implements it; tests
 * and the CLI use `noMetrics`.
 */
export type DigestOutcome = "delivered" | "failed" | "paused";

export interface ModelRequestRecord {
  /** "brief", "ticker synthesis", … */
  task: string;
  /** "ok", or the failure reason (rate_limited, timeout, invalid_output, refusal, …). */
  outcome: string;
  promptTokens: number;
  completionTokens: number;
}

export interface Metrics {
  /** One finished interaction: the command's name and its outcome ("ok" or the error code). */
  interaction(command: string, outcome: string): void;
  /** Time from receiving an interaction to Discord accepting its acknowledgement. */
  acknowledged(command: string, ms: number): void;
  /** One request to the model (each retry and repair counts). */
  modelRequest(record: ModelRequestRecord): void;
  /** Key points (or other claims) the verifier removed from a model answer. */
  verifierRemoval(reason: string, count?: number): void;
  /** One feed read: fetched, not_modified, failed, backoff or fresh. */
  feedFetch(status: string): void;
  /** One market-data (quote) request: ok, failed, cached, … */
  marketDataFetch(status: string): void;
  digest(outcome: DigestOutcome): void;
  /** The scheduler ran: `lagMs` after the minute it was due (0 for a catch-up). */
  schedulerTick(at: Date, lagMs: number): void;
}

export const noMetrics: Metrics = {
  interaction() {},
  acknowledged() {},
  modelRequest() {},
  verifierRemoval() {},
  feedFetch() {},
  marketDataFetch() {},
  digest() {},
  schedulerTick() {},
};
