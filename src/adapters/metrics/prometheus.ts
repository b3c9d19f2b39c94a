import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DigestOutcome, Metrics, ModelRequestRecord } from "../../core/metrics.ts";

export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  /** When the scheduler last ran (a tick or the catch-up); undefined before the first. */
  readonly lastSchedulerTick: Date | undefined;
  /** The text exposition format, for GET /metrics. */
  render(): Promise<string>;
}

const ACK_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3];

/** The Metrics port over prom-client, on a registry of its own (never the global one). */
export function createPrometheusMetrics(options: { defaultMetrics?: boolean } = {}): PrometheusMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "marketbrief_" });
  const registers = [registry];

  const interactions = new Counter({
    name: "marketbrief_interactions_total",
    help: "Interactions handled, by command and outcome (ok or the error code)",
    labelNames: ["command", "outcome"] as const,
    registers,
  });
  const ack = new Histogram({
    name: "marketbrief_interaction_ack_seconds",
    help: "Time from receiving an interaction to Discord accepting its acknowledgement",
    labelNames: ["command"] as const,
    buckets: ACK_BUCKETS_S,
    registers,
  });
  const modelRequests = new Counter({
    name: "marketbrief_model_requests_total",
    help: "Requests to the model, by task and outcome (ok or the failure reason)",
    labelNames: ["task", "outcome"] as const,
    registers,
  });
  const modelTokens = new Counter({
    name: "marketbrief_model_tokens_total",
    help: "Tokens reported by the model, by task, kind (prompt, completion) and outcome",
    labelNames: ["task", "kind", "outcome"] as const,
    registers,
  });
  const verifierRemovals = new Counter({
    name: "marketbrief_verifier_removals_total",
    help: "Claims the verifier removed from model answers, by reason",
    labelNames: ["reason"] as const,
    registers,
  });
  const feedFetches = new Counter({
    name: "marketbrief_feed_fetches_total",
    help: "News feed reads, by status (fetched, not_modified, failed, backoff, fresh)",
    labelNames: ["status"] as const,
    registers,
  });
  const marketData = new Counter({
    name: "marketbrief_market_data_fetches_total",
    help: "Market-data requests, by status",
    labelNames: ["status"] as const,
    registers,
  });
  const digests = new Counter({
    name: "marketbrief_digests_total",
    help: "Scheduled digest posts, by outcome (delivered, failed, paused: the channel refused the bot)",
    labelNames: ["outcome"] as const,
    registers,
  });
  const lag = new Gauge({
    name: "marketbrief_scheduler_lag_seconds",
    help: "How late the latest scheduler tick ran after the minute it was due",
    registers,
  });
  const lastTick = new Gauge({
    name: "marketbrief_scheduler_last_tick_timestamp_seconds",
    help: "Unix time of the latest scheduler run",
    registers,
  });
  // Outcomes that matter are present from the start, so rate() works before the first event.
  for (const outcome of ["delivered", "failed", "paused"] satisfies DigestOutcome[]) digests.inc({ outcome }, 0);

  let lastSchedulerTick: Date | undefined;
  return {
    registry,
    get lastSchedulerTick() {
      return lastSchedulerTick;
    },
    render: () => registry.metrics(),
    interaction: (command, outcome) => interactions.inc({ command, outcome }),
    acknowledged: (command, ms) => ack.observe({ command }, ms / 1000),
    modelRequest(record: ModelRequestRecord) {
      const { task, outcome } = record;
      modelRequests.inc({ task, outcome });
      if (record.promptTokens > 0) modelTokens.inc({ task, kind: "prompt", outcome }, record.promptTokens);
      if (record.completionTokens > 0) modelTokens.inc({ task, kind: "completion", outcome }, record.completionTokens);
    },
    verifierRemoval: (reason, count = 1) => verifierRemovals.inc({ reason }, count),
    feedFetch: (status) => feedFetches.inc({ status }),
    marketDataFetch: (status) => marketData.inc({ status }),
    digest: (outcome) => digests.inc({ outcome }),
    schedulerTick(at, lagMs) {
      lastSchedulerTick = at;
      lag.set(lagMs / 1000);
      lastTick.set(at.getTime() / 1000);
    },
  };
}
