import type { Store } from "../core/store.ts";

export interface HealthProbe {
  gatewayReady(): boolean;
  /** Resolves when the store answers a query; rejects (or times out) when it cannot. */
  pingStore(): Promise<void>;
  lastSchedulerTick(): Date | undefined;
}

export interface HealthReport {
  status: "ok" | "unavailable";
  gatewayReady: boolean;
  storeReachable: boolean;
  /** ISO time of the scheduler's latest run; null before the first. */
  lastSchedulerTick: string | null;
  /** What is wrong, one sentence each; empty when healthy. */
  problems: string[];
}

const STORE_TIMEOUT_MS = 2_000;
/** The scheduler ticks every minute; this long without one means it is stuck. */
export const SCHEDULER_STALE_MS = 5 * 60_000;

/** A cheap read that needs a working connection, on either engine. */
export function storePing(store: Store): () => Promise<void> {
  return async () => {
    await store.getCounter("healthz", "ping");
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function checkHealth(probe: HealthProbe, now: Date = new Date()): Promise<HealthReport> {
  const problems: string[] = [];
  const gatewayReady = probe.gatewayReady();
  if (!gatewayReady) problems.push("the Discord gateway is not connected");
  let storeReachable = true;
  try {
    await withTimeout(probe.pingStore(), STORE_TIMEOUT_MS);
  } catch (err) {
    storeReachable = false;
    problems.push(`the database is unreachable (${(err as Error).message ?? String(err)})`);
  }
  const tick = probe.lastSchedulerTick();
  if (tick !== undefined && now.getTime() - tick.getTime() > SCHEDULER_STALE_MS) {
    problems.push(`the digest scheduler has not run since ${tick.toISOString()}`);
  }
  return {
    status: problems.length === 0 ? "ok" : "unavailable",
    gatewayReady,
    storeReachable,
    lastSchedulerTick: tick?.toISOString() ?? null,
    problems,
  };
}
