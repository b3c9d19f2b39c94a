import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import { digestSince, selectTickers } from "../core/digest-builder.ts";
import { DIGEST_LANGUAGE, type Digest, type DigestBuilder } from "../core/digest.ts";
import { createKeyedLimiter } from "../core/limiter.ts";
import { noMetrics, type Metrics } from "../core/metrics.ts";
import type { DeliveryOutcome, DigestSender, OutgoingMessage } from "../core/outbox.ts";
import { dueSlots, latestSlotAtOrBefore, type Slot } from "../core/slots.ts";
import type { ChannelState, DigestSchedule, Store } from "../core/store.ts";
import type { Logger } from "../logger.ts";
import { DEFAULT_DELIVERY_POLICY, deliverDigest, type DeliveryPolicy } from "./delivery.ts";

/**
 * Scheduled digests. node-cron ticks every minute; each tick finds the slots that fell due since
 * the previous tick (slots.ts: per channel zone, DST-correct), claims each (channel, slot) in the
 * store's delivery ledger, builds one digest for the union of the claimed channels' tickers (per
 * `since`, so channels share per-ticker work) and delivers each channel its part on its own
 * (delivery.ts: heartbeat-renewed lease, progress recorded per message, retries and pauses), all
 * channels at once within the REST client's global limit: one channel's rate limit or refusal
 * holds up no other. On start, the latest slot of each channel is caught up once when it is within
 * the grace window and skipped (and logged) when older.
 *
 * A slot held by another instance is tried again when that holder's lease ends (and on every
 * tick), so a dead holder's digest is continued within about a lease.
 */

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

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const DEFAULT_LEASE_MS = DEFAULT_DELIVERY_POLICY.leaseMs;

interface Candidate {
  channel: ScheduledChannel;
  slot: Slot;
}

interface Claimed extends Candidate {
  nonce: string;
  attempt: number;
}

const keyOf = (channelId: string, slotKey: string) => `${channelId}|${slotKey}`;

function emptyReport(now: Date): TickReport {
  return { at: now.toISOString(), delivered: [], skipped: [], failed: [], held: [] };
}

export function createDigestScheduler(deps: DigestSchedulerDeps): DigestScheduler {
  const { store, builder, sender, log } = deps;
  const instanceId = deps.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const policy: Partial<DeliveryPolicy> = { ...deps.policy, leaseMs };
  const maxAttempts = deps.maxAttempts ?? 3;
  const language = deps.language ?? DIGEST_LANGUAGE;
  const graceMs = deps.catchupHours * HOUR_MS;
  const clock = deps.now ?? (() => new Date());
  const deliveries = createKeyedLimiter({ concurrency: deps.publishConcurrency ?? 50 });
  const limit = <T>(run: () => Promise<T>) => deliveries.run("*", run);
  const metrics = deps.metrics ?? noMetrics;
  const abort = new AbortController();
  /** Slots seen held elsewhere or given back here, retried while they are the channel's latest and within grace. */
  const pending = new Map<string, Candidate>();
  /** Deliveries running in this process, by channel|slot. */
  const running = new Map<string, Promise<void>>();
  let lastTick: Date | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let task: ScheduledTask | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  let wakeAt = Number.POSITIVE_INFINITY;
  let started = false;
  let stopped = false;

  function serialized<T>(run: () => Promise<T>): Promise<T> {
    const result = queue.then(run, run);
    queue = result.catch(() => {});
    return result;
  }

  /** When running (not under tests' injected time), looks at pending slots again once a holder's lease has ended. */
  function wakeIn(ms: number): void {
    if (!started || stopped) return;
    const at = Date.now() + ms;
    if (at >= wakeAt) return;
    clearTimeout(wakeTimer);
    wakeAt = at;
    wakeTimer = setTimeout(() => {
      wakeAt = Number.POSITIVE_INFINITY;
      serialized(() => plan(clock(), emptyReport(clock()), [], false)).catch((err: unknown) => log.error({ err }, "digest retry failed"));
    }, Math.max(0, ms));
    wakeTimer.unref();
  }

  function latestSlot(channel: ScheduledChannel, now: Date): Slot | undefined {
    try {
      return latestSlotAtOrBefore(now, channel.schedule);
    } catch (err) {
      log.warn({ err, channelId: channel.channelId, schedule: channel.schedule }, "digest schedule unusable");
      return undefined;
    }
  }

  async function skip(report: TickReport, candidate: Candidate, reason: string): Promise<void> {
    const { channelId } = candidate.channel;
    const { slotKey } = candidate.slot;
    await store.markSkipped(channelId, slotKey, reason);
    pending.delete(keyOf(channelId, slotKey));
    report.skipped.push({ channelId, slotKey, reason });
    log.info({ channelId, slotKey, reason }, "digest slot skipped");
  }

  async function claimAll(candidates: readonly Candidate[], report: TickReport): Promise<Claimed[]> {
    const claimed: Claimed[] = [];
    const claimOne = async (candidate: Candidate): Promise<void> => {
      const { channelId } = candidate.channel;
      const { slotKey } = candidate.slot;
      const key = keyOf(channelId, slotKey);
      if (running.has(key)) {
        report.held.push({ channelId, slotKey });
        return;
      }
      if (candidate.channel.symbols.length === 0) {
        await skip(report, candidate, "the channel follows no tickers");
        return;
      }
      const claim = await store.claimDelivery(channelId, slotKey, instanceId, leaseMs);
      if (claim.claimed) {
        claimed.push({ ...candidate, nonce: claim.nonce, attempt: claim.attempt });
      } else if (claim.status === "claimed") {
        pending.set(key, candidate);
        report.held.push({ channelId, slotKey });
        wakeIn(claim.leaseRemainingMs + 1000);
      } else {
        pending.delete(key);
      }
    };
    // Claims are short statements: a few at a time keeps a PostgreSQL pool free for the deliveries.
    const claims = createKeyedLimiter({ concurrency: 8 });
    await Promise.all(candidates.map((candidate) => claims.run("*", () => claimOne(candidate))));
    return claimed;
  }

  async function settle(report: TickReport, item: Claimed, outcome: DeliveryOutcome, now: Date): Promise<void> {
    const { channelId } = item.channel;
    const { slotKey } = item.slot;
    const key = keyOf(channelId, slotKey);
    switch (outcome.status) {
      case "delivered":
        await store.setLastDigestAt(channelId, now.toISOString());
        pending.delete(key);
        report.delivered.push({ channelId, slotKey, messageIds: outcome.messageIds, resumedFrom: outcome.resumedFrom });
        metrics.digest("delivered");
        log.info({ channelId, slotKey, messages: outcome.messageIds.length, resumedFrom: outcome.resumedFrom, attempt: outcome.attempt }, "digest delivered");
        return;
      case "paused":
        metrics.digest("paused");
        pending.delete(key);
        report.skipped.push({ channelId, slotKey, reason: `channel paused: ${outcome.refusal.reason}` });
        return;
      case "lost":
        // Another instance holds it now; looked at again in case that one dies too.
        pending.set(key, item);
        report.held.push({ channelId, slotKey });
        log.warn({ channelId, slotKey, attempt: outcome.attempt }, "digest claim taken over by another instance; stopped sending");
        return;
      case "held":
      case "finished":
        return;
      case "failed":
        report.failed.push({ channelId, slotKey, error: outcome.error });
        metrics.digest("failed");
        log.error({ channelId, slotKey, attempt: outcome.attempt, error: outcome.error }, "digest delivery failed");
        if (outcome.permanent || outcome.attempt >= maxAttempts) {
          await skip(report, item, `failed ${outcome.attempt} times: ${outcome.error.slice(0, 200)}`);
        } else {
          pending.set(key, item);
          if (outcome.retryInMs !== undefined) wakeIn(outcome.retryInMs);
        }
    }
  }

  /** Claims the candidates (plus pending slots), then delivers each claimed one; resolves when the claims are made, with the deliveries' end. */
  async function plan(now: Date, report: TickReport, fresh: readonly Candidate[], includeAllPending = true): Promise<{ done: Promise<void> }> {
    const candidates = new Map(fresh.map((c) => [keyOf(c.channel.channelId, c.slot.slotKey), c] as const));
    if (pending.size > 0) {
      const byId = new Map((await store.listScheduledChannels()).map((c) => [c.channelId, c]));
      for (const [key, held] of pending) {
        const channel = byId.get(held.channel.channelId);
        const latest = channel && latestSlot(channel, now);
        const stillWanted = channel !== undefined && latest?.slotKey === held.slot.slotKey && now.getTime() - held.slot.at.getTime() <= graceMs;
        if (!stillWanted) {
          pending.delete(key);
          log.info({ channelId: held.channel.channelId, slotKey: held.slot.slotKey }, "digest slot no longer retried");
        } else if (includeAllPending || !running.has(key)) {
          if (!candidates.has(key)) candidates.set(key, { channel, slot: held.slot });
        }
      }
    }
    if (candidates.size === 0) return { done: Promise.resolve() };
    const all = [...candidates.values()];
    const jobs: Promise<void>[] = [];
    const batch = Math.max(1, deps.claimBatch ?? 25);
    for (let start = 0; start < all.length && !abort.signal.aborted; start += batch) {
      // A batch's digests are built before the next batch is claimed, so other processes take their share.
      jobs.push(...(await deliverBatch(await claimAll(all.slice(start, start + batch), report), now, report)));
    }
    return { done: Promise.all(jobs).then(() => undefined) };
  }

  /** Starts the deliveries of claimed channels; resolves once their digests are built, with the deliveries' ends. */
  async function deliverBatch(claimed: readonly Claimed[], now: Date, report: TickReport): Promise<Promise<void>[]> {
    // Channels with the same `since` and language share one build: the union of their tickers, built once.
    const groups = new Map<string, { since: number; language: string; symbols: Set<string>; digest?: Promise<Digest> }>();
    const groupOf = (item: Claimed) => {
      const since = digestSince(item.channel.lastDigestAt, now).getTime();
      const itemLanguage = item.channel.language ?? language;
      const key = `${since}|${itemLanguage}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { since, language: itemLanguage, symbols: new Set<string>() };
        groups.set(key, group);
      }
      return group;
    };
    for (const item of claimed) for (const symbol of item.channel.symbols) groupOf(item).symbols.add(symbol);
    const digestFor = (item: Claimed): Promise<Digest> => {
      const group = groupOf(item);
      group.digest ??= builder.build({ symbols: [...group.symbols], since: new Date(group.since), language: group.language, now, signal: abort.signal });
      return group.digest;
    };

    const jobs = claimed.map((item) => {
      const { channelId, guildId } = item.channel;
      const { slotKey } = item.slot;
      const key = keyOf(channelId, slotKey);
      const job = limit(() =>
        deliverDigest(
          { store, sender, log, owner: instanceId, policy },
          {
            channelId,
            slotKey,
            claim: { nonce: item.nonce, attempt: item.attempt },
            signal: abort.signal,
            tellServerOnPause: { guildId, ...(item.channel.digestContactId ? { contactId: item.channel.digestContactId } : {}) },
            compose: async () => deps.compose(selectTickers(await digestFor(item), item.channel.symbols)),
          },
        ),
      )
        .then((outcome) => settle(report, item, outcome, now))
        .catch((err: unknown) => log.error({ err, channelId, slotKey }, "digest delivery crashed"))
        .finally(() => running.delete(key));
      running.set(key, job);
      return job;
    });
    await Promise.allSettled(claimed.map(digestFor));
    return jobs;
  }

  async function runTick(now: Date, report: TickReport): Promise<{ done: Promise<void> }> {
    const from = lastTick ?? new Date(now.getTime() - MINUTE_MS);
    if (lastTick === undefined || now > lastTick) lastTick = now;
    const candidates: Candidate[] = [];
    for (const channel of await store.listScheduledChannels()) {
      let due: Slot[];
      try {
        due = dueSlots(now, from, channel.schedule);
      } catch (err) {
        log.warn({ err, channelId: channel.channelId, schedule: channel.schedule }, "digest schedule unusable");
        continue;
      }
      // After a stall longer than a day only the newest slot is worth a digest.
      for (const old of due.slice(0, -1)) await skip(report, { channel, slot: old }, "superseded by a newer slot");
      const slot = due.at(-1);
      if (slot !== undefined) candidates.push({ channel, slot });
    }
    return plan(now, report, candidates);
  }

  async function runCatchUp(now: Date, report: TickReport): Promise<{ done: Promise<void> }> {
    if (lastTick === undefined || now > lastTick) lastTick = now;
    const candidates: Candidate[] = [];
    for (const channel of await store.listScheduledChannels()) {
      const slot = latestSlot(channel, now);
      if (slot === undefined) continue;
      const ageMs = now.getTime() - slot.at.getTime();
      if (ageMs <= graceMs) {
        candidates.push({ channel, slot });
      } else if ((await store.lastDeliveredSlot(channel.channelId)) !== slot.slotKey) {
        const hours = Math.round((ageMs / HOUR_MS) * 10) / 10;
        log.warn({ channelId: channel.channelId, slotKey: slot.slotKey, ageHours: hours, graceHours: deps.catchupHours }, "missed digest slot too old to catch up");
        await skip(report, { channel, slot }, `missed by ${hours} h, more than the ${deps.catchupHours} h catch-up window`);
      }
    }
    return plan(now, report, candidates);
  }

  async function catchUp(now: Date): Promise<TickReport> {
    const report = emptyReport(now);
    const { done } = await serialized(() => runCatchUp(now, report));
    await done;
    log.info(
      { delivered: report.delivered.length, skipped: report.skipped.length, failed: report.failed.length, held: report.held.length },
      "digest catch-up done",
    );
    return report;
  }

  return {
    instanceId,
    async tick(now = clock()) {
      const report = emptyReport(now);
      const { done } = await serialized(() => runTick(now, report));
      await done;
      return report;
    },
    catchUp: (now = clock()) => catchUp(now),
    async start() {
      stopped = false;
      started = true;
      // The minute ticks start at once: a long catch-up (a rate-limited channel) holds up no slot.
      task ??= cron.schedule(
        "* * * * *",
        async () => {
          try {
            const now = clock();
            metrics.schedulerTick(now, now.getTime() % MINUTE_MS);
            await serialized(() => runTick(now, emptyReport(now)));
          } catch (err) {
            log.error({ err }, "digest tick failed");
          }
        },
        { name: `digest-scheduler-${instanceId}`, noOverlap: true, logger: cronLogger(log) },
      );
      const report = await catchUp(clock());
      metrics.schedulerTick(clock(), 0);
      return report;
    },
    async stop(timeoutMs = 10_000) {
      stopped = true;
      clearTimeout(wakeTimer);
      if (task !== undefined) {
        await task.destroy();
        task = undefined;
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const allDone = async () => {
        await queue;
        while (running.size > 0) await Promise.all(running.values());
        return "done" as const;
      };
      const outcome = await Promise.race([allDone(), timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        log.warn({ running: running.size }, "stopping the digest scheduler mid-delivery; claims released, other instances continue");
        abort.abort(new Error("digest scheduler stopped"));
        await allDone();
      }
    },
  };
}

function cronLogger(log: Logger) {
  return {
    info: (message: string) => log.debug({ source: "node-cron" }, message),
    warn: (message: string) => log.warn({ source: "node-cron" }, message),
    error: (message: string | Error, err?: Error) => log.error({ source: "node-cron", err: err ?? message }, "node-cron error"),
    debug: (message: string | Error) => log.debug({ source: "node-cron" }, String(message)),
  };
}

