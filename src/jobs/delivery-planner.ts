import { deliverClaimedBatch } from "./claimed-batch-delivery.ts";
import { latestSlot } from "./due-slots.ts";
import { keyOf, type Candidate, type SchedulerContext } from "./scheduler-context.ts";
import type { TickReport } from "./scheduler-types.ts";
import { claimSlots } from "./slot-claims.ts";

/**
 * Claims the candidates (plus pending slots still wanted), then delivers each claimed one, a batch
 * at a time; resolves when the claims are made, with the deliveries' end.
 */
export async function planDeliveries(
  ctx: SchedulerContext,
  now: Date,
  report: TickReport,
  fresh: readonly Candidate[],
  includeAllPending = true,
): Promise<{ done: Promise<void> }> {
  const { pending, running, log } = ctx;
  const candidates = new Map(fresh.map((c) => [keyOf(c.channel.channelId, c.slot.slotKey), c] as const));
  if (pending.size > 0) {
    const byId = new Map((await ctx.store.listScheduledChannels()).map((c) => [c.channelId, c]));
    for (const [key, held] of pending) {
      const channel = byId.get(held.channel.channelId);
      const latest = channel && latestSlot(log, channel, now);
      const stillWanted = channel !== undefined && latest?.slotKey === held.slot.slotKey && now.getTime() - held.slot.at.getTime() <= ctx.graceMs;
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
  const batch = Math.max(1, ctx.deps.claimBatch ?? 25);
  for (let start = 0; start < all.length && !ctx.signal.aborted; start += batch) {
    // A batch's digests are built before the next batch is claimed, so other processes take their share.
    jobs.push(...(await deliverClaimedBatch(ctx, await claimSlots(ctx, all.slice(start, start + batch), report), now, report)));
  }
  return { done: Promise.all(jobs).then(() => undefined) };
}
