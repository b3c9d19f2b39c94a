import type { DeliveryOutcome } from "../core/outbox.ts";
import { keyOf, type Candidate, type Claimed, type SchedulerContext } from "./scheduler-context.ts";
import type { TickReport } from "./scheduler-types.ts";

/** Recording what became of a slot: in the store, the tick's report, the metrics, the log and the pending retries. */

export async function skipSlot(ctx: SchedulerContext, report: TickReport, candidate: Candidate, reason: string): Promise<void> {
  const { channelId } = candidate.channel;
  const { slotKey } = candidate.slot;
  await ctx.store.markSkipped(channelId, slotKey, reason);
  ctx.pending.delete(keyOf(channelId, slotKey));
  report.skipped.push({ channelId, slotKey, reason });
  ctx.log.info({ channelId, slotKey, reason }, "digest slot skipped");
}

export async function settleDelivery(ctx: SchedulerContext, report: TickReport, item: Claimed, outcome: DeliveryOutcome, now: Date): Promise<void> {
  const { store, pending, metrics, log } = ctx;
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
      if (outcome.permanent || outcome.attempt >= ctx.maxAttempts) {
        await skipSlot(ctx, report, item, `failed ${outcome.attempt} times: ${outcome.error.slice(0, 200)}`);
      } else {
        pending.set(key, item);
        if (outcome.retryInMs !== undefined) ctx.wakeIn(outcome.retryInMs);
      }
  }
}
