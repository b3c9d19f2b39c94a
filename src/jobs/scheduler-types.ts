import type { Digest, DigestBuilder } from "../core/digest.ts";
import type { Metrics } from "../core/metrics.ts";
import type { DigestSender, OutgoingMessage } from "../core/outbox.ts";
import type { ChannelState, DigestSchedule, Store } from "../core/store.ts";
import type { Logger } from "../logger.ts";
import type { DeliveryPolicy } from "./delivery.ts";

/** The public shapes of the digest scheduler (scheduler.ts): its dependencies, reports and interface. */

export type ScheduledChannel = ChannelState & { schedule: DigestSchedule; symbols: string[] };

export interface DigestSchedulerDeps {
  store: Store;
  builder: DigestBuilder;
  sender: DigestSender;
  /** A channel's digest as messages (its heading, labels and charts in the digest's language). */
  compose(digest: Digest): Promise<OutgoingMessage[]>;
  log: Logger;
  /** Grace window of the catch-up on start (config.digest.catchupHours). */
  catchupHours: number;
  /** Owner recorded with claims (default host:pid:random). */
  instanceId?: string;
  /** Lease of a claim, renewed by a heartbeat while the holder works (default 45 s; DIGEST_LEASE_S). */
  leaseMs?: number;
  /** Retries, backoff and deadlines of each delivery (delivery.ts). */
  policy?: Partial<Omit<DeliveryPolicy, "leaseMs">>;
  /** Claims of one slot before it is given up and recorded skipped (default 3). */
  maxAttempts?: number;
  /** Language of the digests of channels that chose none (default "en"). */
  language?: string;
  /**
   * Channels claimed at a time (default 25): a process claims a batch and builds its digests
   * before claiming the next, so processes sharing the database spread a slot's channels.
   */
  claimBatch?: number;
  /** Digests delivered / failed / paused, and each tick's lag. */
  metrics?: Metrics;
  /** The clock of cron ticks (tests call tick(now) directly instead). */
  now?: () => Date;
  /** Deliveries running at once (default 50); the REST client paces the sends within Discord's global limit. */
  publishConcurrency?: number;
}

export interface DeliveryRecord {
  channelId: string;
  slotKey: string;
}

export interface TickReport {
  at: string;
  delivered: Array<DeliveryRecord & { messageIds: string[]; resumedFrom: number }>;
  skipped: Array<DeliveryRecord & { reason: string }>;
  failed: Array<DeliveryRecord & { error: string }>;
  /** Slots another instance holds (or this one is still delivering), re-checked later. */
  held: DeliveryRecord[];
}

export interface DigestScheduler {
  readonly instanceId: string;
  /** Delivers the slots due in (previous tick, now]; the first tick looks back one minute. Resolves when those deliveries end. */
  tick(now?: Date): Promise<TickReport>;
  /** Delivers each channel's latest slot when within the grace window, records older ones skipped. */
  catchUp(now?: Date): Promise<TickReport>;
  /** Catch-up, then a tick every minute; resolves with the catch-up's report. */
  start(): Promise<TickReport>;
  /** Stops ticking and waits (at most `timeoutMs`) for running deliveries, then aborts them (their claims are released). */
  stop(timeoutMs?: number): Promise<void>;
}
