import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import type { REST } from "discord.js";
import type { App } from "../app.ts";
import { digestSince, selectTickers } from "../core/digest-builder.ts";
import { DIGEST_LANGUAGE, type Digest, type DigestBuilder } from "../core/digest.ts";
import { noMetrics, type Metrics } from "../core/metrics.ts";
import { dueSlots, latestSlotAtOrBefore, type Slot } from "../core/slots.ts";
import type { ChannelState, DigestSchedule, Store } from "../core/store.ts";
import { ChannelUnavailableError, createDigestPublisher, type DigestPublisher } from "../discord/publisher.ts";
import { translator } from "../discord/i18n.ts";
import { renderDigest } from "../discord/render-digest.ts";
import { withDayCharts } from "../discord/digest-charts.ts";
import type { ChartRenderer } from "../core/market.ts";
import type { Logger } from "../logger.ts";

/**
 * Scheduled digests. node-cron ticks every minute; each tick finds the slots that fell due since
 * the previous tick (slots.ts: per channel zone, DST-correct), claims each (channel, slot) in
 * the store's delivery ledger, builds one digest for the union of the claimed channels' tickers
 * (per `since`, so channels share per-ticker work), posts each channel its part with the claim's
 * stable nonce, and marks the slot sent. On start, the latest slot of each channel is caught up
 * once when it is within the grace window and skipped (and logged) when older.
 *
 * Delivery is at-least-once with a dedupe window: a claim whose holder died is taken over after
 * its lease; the retry reuses the same Discord nonces, so Discord drops a duplicate post made
 * within its nonce window.
 */

export type ScheduledChannel = ChannelState & { schedule: DigestSchedule; symbols: string[] };

export interface DigestSchedulerDeps {
  store: Store;
  builder: DigestBuilder;
  publisher: DigestPublisher;
  log: Logger;
  /** Grace window of the catch-up on start (config.digest.catchupHours). */
  catchupHours: number;
  /** Owner recorded with claims (default host:pid:random). */
  instanceId?: string;
  /** How long a claim keeps others off a slot: longer than a build plus the posts (default 15 min). */
  leaseMs?: number;
  /** Claims of one slot before it is given up and recorded skipped (default 3). */
  maxAttempts?: number;
  /** Language of scheduled digests (default "en"). */
  language?: string;
  /** The clock of cron ticks (tests call tick(now) directly instead). */
  now?: () => Date;
  /** Channels posted to at once (default 8); the REST client paces them within Discord's limits. */
  publishConcurrency?: number;
  /** Draws the digest's compact price chart (absent: no chart). */
  charts?: ChartRenderer;
  /**
   * Channels claimed at a time (default 25): a process claims a batch, builds and posts it, then
   * claims the next, so processes sharing the database spread a slot's channels between them.
   */
  claimBatch?: number;
  /** Digests delivered / failed / paused, and each tick's lag. */
  metrics?: Metrics;
}

export interface DeliveryRecord {
  channelId: string;
  slotKey: string;
}

export interface TickReport {
  at: string;
  delivered: Array<DeliveryRecord & { messageIds: string[]; tickers: number }>;
  skipped: Array<DeliveryRecord & { reason: string }>;
  failed: Array<DeliveryRecord & { error: string }>;
  /** Slots another instance holds (or this one until its lease ends), re-checked on later ticks. */
  held: DeliveryRecord[];
}

export interface DigestScheduler {
  readonly instanceId: string;
  /** Delivers the slots due in (previous tick, now]; the first tick looks back one minute. */
  tick(now?: Date): Promise<TickReport>;
  /** Delivers each channel's latest slot when within the grace window, records older ones skipped. */
  catchUp(now?: Date): Promise<TickReport>;
  /** Catch-up, then a tick every minute. */
  start(): Promise<TickReport>;
  /** Stops ticking and waits (at most `timeoutMs`) for the running tick, then aborts it. */
  stop(timeoutMs?: number): Promise<void>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const DEFAULT_LEASE_MS = 15 * MINUTE_MS;

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

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

export function createDigestScheduler(deps: DigestSchedulerDeps): DigestScheduler {
  const { store, builder, publisher, log } = deps;
  const instanceId = deps.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const maxAttempts = deps.maxAttempts ?? 3;
  const language = deps.language ?? DIGEST_LANGUAGE;
  const graceMs = deps.catchupHours * HOUR_MS;
  const clock = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? noMetrics;
  const abort = new AbortController();
  /** Slots seen held elsewhere or failed here, retried while they are the channel's latest and within grace. */
  const pending = new Map<string, Candidate>();
  let lastTick: Date | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let task: ScheduledTask | undefined;
  let stopped = false;

  function serialized<T>(run: () => Promise<T>): Promise<T> {
    const result = queue.then(run, run);
    queue = result.catch(() => {});
    return result;
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
    for (const candidate of candidates) {
      const { channelId } = candidate.channel;
      const { slotKey } = candidate.slot;
      if (candidate.channel.symbols.length === 0) {
        await skip(report, candidate, "the channel follows no tickers");
        continue;
      }
      const claim = await store.claimDelivery(channelId, slotKey, instanceId, leaseMs);
      if (claim.claimed) {
        claimed.push({ ...candidate, nonce: claim.nonce, attempt: claim.attempt });
      } else if (claim.status === "claimed") {
        pending.set(keyOf(channelId, slotKey), candidate);
        report.held.push({ channelId, slotKey });
      } else {
        pending.delete(keyOf(channelId, slotKey));
      }
    }
    return claimed;
  }

  async function failed(report: TickReport, item: Claimed, err: unknown): Promise<void> {
    const { channelId } = item.channel;
    const { slotKey } = item.slot;
    const message = err instanceof Error ? err.message : String(err);
    log.error({ err, channelId, slotKey, attempt: item.attempt }, "digest delivery failed");
    report.failed.push({ channelId, slotKey, error: message });
    metrics.digest("failed");
    if (item.attempt >= maxAttempts) await skip(report, item, `failed ${item.attempt} times: ${message.slice(0, 200)}`);
    // Retried once the claim's lease has run out.
    else pending.set(keyOf(channelId, slotKey), item);
  }

  async function publishOne(item: Claimed, digest: Digest, now: Date, report: TickReport): Promise<void> {
    const { channelId } = item.channel;
    const { slotKey } = item.slot;
    const own = selectTickers(digest, item.channel.symbols);
    try {
      const messages = await withDayCharts(renderDigest(own, { heading: translator(own.language).t("digest.heading.daily") }), own, deps.charts, log);
      const messageIds = await publisher.publish({ channelId, messages, nonceBase: item.nonce });
      await store.markDelivered(channelId, slotKey, messageIds);
      await store.setLastDigestAt(channelId, now.toISOString());
      pending.delete(keyOf(channelId, slotKey));
      report.delivered.push({ channelId, slotKey, messageIds, tickers: own.tickers.length });
      metrics.digest("delivered");
      log.info({ channelId, slotKey, messages: messageIds.length, tickers: own.tickers.length, attempt: item.attempt }, "digest delivered");
    } catch (err) {
      if (err instanceof ChannelUnavailableError) {
        metrics.digest("paused");
        await skip(report, item, `channel paused: ${err.reason}`);
      } else await failed(report, item, err);
    }
  }

  async function deliver(candidates: readonly Candidate[], now: Date, report: TickReport): Promise<void> {
    const batch = Math.max(1, deps.claimBatch ?? 25);
    for (let start = 0; start < candidates.length && !abort.signal.aborted; start += batch) {
      await deliverClaimed(await claimAll(candidates.slice(start, start + batch), report), now, report);
    }
  }

  async function deliverClaimed(claimed: readonly Claimed[], now: Date, report: TickReport): Promise<void> {
    // Channels with the same `since` and language share one build: the union of their tickers, built once.
    const groups = new Map<string, Claimed[]>();
    for (const item of claimed) {
      const since = digestSince(item.channel.lastDigestAt, now).getTime();
      const key = `${since}|${item.channel.language ?? language}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const [key, items] of groups) {
      const [since, groupLanguage] = key.split("|") as [string, string];
      const symbols = [...new Set(items.flatMap((item) => item.channel.symbols))];
      let digest: Digest;
      try {
        digest = await builder.build({ symbols, since: new Date(Number(since)), language: groupLanguage, now, signal: abort.signal });
      } catch (err) {
        for (const item of items) await failed(report, item, err);
        continue;
      }
      await forEachLimit(items, deps.publishConcurrency ?? 8, (item) => publishOne(item, digest, now, report));
    }
  }

  async function runTick(now: Date): Promise<TickReport> {
    const report = emptyReport(now);
    const from = lastTick ?? new Date(now.getTime() - MINUTE_MS);
    if (lastTick === undefined || now > lastTick) lastTick = now;
    const channels = await store.listScheduledChannels();
    const candidates = new Map<string, Candidate>();
    for (const channel of channels) {
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
      if (slot !== undefined) candidates.set(keyOf(channel.channelId, slot.slotKey), { channel, slot });
    }
    const byId = new Map(channels.map((c) => [c.channelId, c]));
    for (const [key, held] of pending) {
      const channel = byId.get(held.channel.channelId);
      const latest = channel && latestSlot(channel, now);
      const stillWanted = channel !== undefined && latest?.slotKey === held.slot.slotKey && now.getTime() - held.slot.at.getTime() <= graceMs;
      if (!stillWanted) {
        pending.delete(key);
        log.info({ channelId: held.channel.channelId, slotKey: held.slot.slotKey }, "digest slot no longer retried");
      } else if (!candidates.has(key)) candidates.set(key, { channel, slot: held.slot });
    }
    if (candidates.size > 0) await deliver([...candidates.values()], now, report);
    return report;
  }

  async function runCatchUp(now: Date): Promise<TickReport> {
    const report = emptyReport(now);
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
    if (candidates.length > 0) await deliver(candidates, now, report);
    log.info(
      { delivered: report.delivered.length, skipped: report.skipped.length, failed: report.failed.length, held: report.held.length },
      "digest catch-up done",
    );
    return report;
  }

  return {
    instanceId,
    tick: (now = clock()) => serialized(() => runTick(now)),
    catchUp: (now = clock()) => serialized(() => runCatchUp(now)),
    async start() {
      stopped = false;
      const report = await serialized(() => runCatchUp(clock()));
      metrics.schedulerTick(clock(), 0);
      if (stopped) return report;
      task ??= cron.schedule(
        "* * * * *",
        async () => {
          const at = clock();
          metrics.schedulerTick(at, at.getTime() % MINUTE_MS);
          try {
            await serialized(() => runTick(clock()));
          } catch (err) {
            log.error({ err }, "digest tick failed");
          }
        },
        { name: `digest-scheduler-${instanceId}`, noOverlap: true, logger: cronLogger(log) },
      );
      return report;
    },
    async stop(timeoutMs = 10_000) {
      stopped = true;
      if (task !== undefined) {
        await task.destroy();
        task = undefined;
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([queue.then(() => "done" as const), timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        log.warn("stopping the digest scheduler mid-delivery; unfinished slots are retried after their lease");
        abort.abort(new Error("digest scheduler stopped"));
        await queue;
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

export interface StartDigestSchedulerOptions {
  app: App;
  /** The bot's REST client (`bot.client.rest`). */
  rest: REST;
  /** Overrides for tests and tuning. */
  scheduler?: Partial<Omit<DigestSchedulerDeps, "store" | "builder" | "publisher" | "log" | "catchupHours">>;
}

/** The app's scheduler, posting through the bot's REST client; not started. */
export function createAppDigestScheduler(options: StartDigestSchedulerOptions): DigestScheduler {
  const { app } = options;
  const log = app.logger.child({ component: "scheduler" });
  return createDigestScheduler({
    store: app.store,
    builder: app.digestBuilder,
    publisher: createDigestPublisher({ rest: options.rest, store: app.store, log }),
    log,
    catchupHours: app.config.digest.catchupHours,
    language: DIGEST_LANGUAGE,
    ...(app.market ? { charts: app.charts } : {}),
    metrics: app.metrics,
    ...options.scheduler,
  });
}

/**
 * main.ts calls this once the bot is connected: the catch-up runs in the background, then the
 * minute tick. Returns at once with the scheduler, so shutdown can stop() it at any point.
 */
export function startDigestScheduler(options: StartDigestSchedulerOptions): DigestScheduler {
  const scheduler = createAppDigestScheduler(options);
  scheduler.start().catch((err: unknown) => options.app.logger.error({ err }, "digest scheduler failed to start"));
  return scheduler;
}
