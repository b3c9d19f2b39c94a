import type { DigestBuilder } from "../core/digest.ts";
import type { Metrics } from "../core/metrics.ts";
import type { DigestSender } from "../core/outbox.ts";
import type { Slot } from "../core/slots.ts";
import type { Store } from "../core/store.ts";
import type { Logger } from "../logger.ts";
import type { DeliveryPolicy } from "./delivery.ts";
import type { DigestSchedulerDeps, ScheduledChannel, TickReport } from "./scheduler-types.ts";

/** What the parts of one digest scheduler share: its settings and the slots it is tracking. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export interface Candidate {
  channel: ScheduledChannel;
  slot: Slot;
}

export interface Claimed extends Candidate {
  nonce: string;
  attempt: number;
}

export interface SchedulerContext {
  deps: DigestSchedulerDeps;
  store: Store;
  builder: DigestBuilder;
  sender: DigestSender;
  log: Logger;
  metrics: Metrics;
  instanceId: string;
  leaseMs: number;
  policy: Partial<DeliveryPolicy>;
  maxAttempts: number;
  /** Language of the digests of channels that chose none. */
  language: string;
  graceMs: number;
  /** Aborted when stop() runs out of time. */
  signal: AbortSignal;
  /** Runs a delivery within the limit of deliveries running at once. */
  limit<T>(run: () => Promise<T>): Promise<T>;
  /** Slots seen held elsewhere or given back here, retried while they are the channel's latest and within grace. */
  pending: Map<string, Candidate>;
  /** Deliveries running in this process, by channel|slot. */
  running: Map<string, Promise<void>>;
  /** Looks at pending slots again in `ms` (when running, not under tests' injected time). */
  wakeIn(ms: number): void;
}

export const keyOf = (channelId: string, slotKey: string) => `${channelId}|${slotKey}`;

export function emptyReport(now: Date): TickReport {
  return { at: now.toISOString(), delivered: [], skipped: [], failed: [], held: [] };
}
