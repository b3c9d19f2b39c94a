import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { ScheduledTask } from "node-cron";
import { DIGEST_LANGUAGE } from "../core/digest.ts";
import { createKeyedLimiter } from "../core/limiter.ts";
import { noMetrics } from "../core/metrics.ts";
import { slotsToCatchUp } from "./catch-up-slots.ts";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from "./delivery.ts";
import { planDeliveries } from "./delivery-planner.ts";
import { drainDeliveries } from "./drain-deliveries.ts";
import { slotsDueBetween } from "./due-slots.ts";
import { scheduleEveryMinute } from "./minute-cron.ts";
import { createRetryWake } from "./retry-wake.ts";
import { emptyReport, HOUR_MS, MINUTE_MS, type Candidate, type SchedulerContext } from "./scheduler-context.ts";
import type { DigestScheduler, DigestSchedulerDeps, TickReport } from "./scheduler-types.ts";
import { createSerialQueue } from "./serial-queue.ts";

export type { DeliveryRecord, DigestScheduler, DigestSchedulerDeps, ScheduledChannel, TickReport } from "./scheduler-types.ts";

/**
 * Scheduled digests. node-cron ticks every minute; each tick finds the slots that fell due since
 * the previous tick (due-slots.ts: per channel zone, DST-correct), claims each (channel, slot) in
 * the store's delivery ledger (slot-claims.ts), builds one digest for the union of the claimed
 * channels' tickers (per `since`, so channels share per-ticker work) and delivers each channel its
 * part on its own (claimed-batch-delivery.ts → delivery.ts: heartbeat-renewed lease, progress
 * recorded per message, retries and pauses), all channels at once within the REST client's global
 * limit: one channel's rate limit or refusal holds up no other. On start, the latest slot of each
 * channel is caught up once when it is within the grace window and skipped (and logged) when older
 * (catch-up-slots.ts).
 *
 * A slot held by another instance is tried again when that holder's lease ends (and on every
 * tick), so a dead holder's digest is continued within about a lease (delivery-planner.ts).
 */

export const DEFAULT_LEASE_MS = DEFAULT_DELIVERY_POLICY.leaseMs;

export function createDigestScheduler(deps: DigestSchedulerDeps): DigestScheduler {
  const { log } = deps;
  const instanceId = deps.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const policy: Partial<DeliveryPolicy> = { ...deps.policy, leaseMs };
  const clock = deps.now ?? (() => new Date());
  const deliveries = createKeyedLimiter({ concurrency: deps.publishConcurrency ?? 50 });
  const metrics = deps.metrics ?? noMetrics;
  const abort = new AbortController();
  const serial = createSerialQueue();
  let lastTick: Date | undefined;
  let task: ScheduledTask | undefined;
  let started = false;
  let stopped = false;

  const wake = createRetryWake(
    () => started && !stopped,
    () => {
      serial.run(() => planDeliveries(ctx, clock(), emptyReport(clock()), [], false)).catch((err: unknown) => log.error({ err }, "digest retry failed"));
    },
  );

  const ctx: SchedulerContext = {
    deps,
    store: deps.store,
    builder: deps.builder,
    sender: deps.sender,
    log,
    metrics,
    instanceId,
    leaseMs,
    policy,
    maxAttempts: deps.maxAttempts ?? 3,
    language: deps.language ?? DIGEST_LANGUAGE,
    graceMs: deps.catchupHours * HOUR_MS,
    signal: abort.signal,
    limit: (run) => deliveries.run("*", run),
    pending: new Map<string, Candidate>(),
    running: new Map<string, Promise<void>>(),
    wakeIn: (ms) => wake.wakeIn(ms),
  };

  async function runTick(now: Date, report: TickReport): Promise<{ done: Promise<void> }> {
    const from = lastTick ?? new Date(now.getTime() - MINUTE_MS);
    if (lastTick === undefined || now > lastTick) lastTick = now;
    return planDeliveries(ctx, now, report, await slotsDueBetween(ctx, from, now, report));
  }

  async function runCatchUp(now: Date, report: TickReport): Promise<{ done: Promise<void> }> {
    if (lastTick === undefined || now > lastTick) lastTick = now;
    return planDeliveries(ctx, now, report, await slotsToCatchUp(ctx, now, report));
  }

  async function catchUp(now: Date): Promise<TickReport> {
    const report = emptyReport(now);
    const { done } = await serial.run(() => runCatchUp(now, report));
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
      const { done } = await serial.run(() => runTick(now, report));
      await done;
      return report;
    },
    catchUp: (now = clock()) => catchUp(now),
    async start() {
      stopped = false;
      started = true;
      // The minute ticks start at once: a long catch-up (a rate-limited channel) holds up no slot.
      task ??= scheduleEveryMinute(`digest-scheduler-${instanceId}`, log, async () => {
        try {
          const now = clock();
          metrics.schedulerTick(now, now.getTime() % MINUTE_MS);
          await serial.run(() => runTick(now, emptyReport(now)));
        } catch (err) {
          log.error({ err }, "digest tick failed");
        }
      });
      const report = await catchUp(clock());
      metrics.schedulerTick(clock(), 0);
      return report;
    },
    async stop(timeoutMs = 10_000) {
      stopped = true;
      wake.cancel();
      if (task !== undefined) {
        await task.destroy();
        task = undefined;
      }
      await drainDeliveries({ idle: serial.idle, running: ctx.running, timeoutMs, abort, log });
    },
  };
}
