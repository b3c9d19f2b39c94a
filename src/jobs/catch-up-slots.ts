import { latestSlot } from "./due-slots.ts";
import { HOUR_MS, type Candidate, type SchedulerContext } from "./scheduler-context.ts";
import type { TickReport } from "./scheduler-types.ts";
import { skipSlot } from "./slot-outcomes.ts";

/**
 * Catch-up after downtime: each channel's latest slot is a candidate when it is within the grace
 * window; an older one not yet delivered is recorded skipped (and logged).
 */
export async function slotsToCatchUp(ctx: SchedulerContext, now: Date, report: TickReport): Promise<Candidate[]> {
  const { store, log, deps } = ctx;
  const candidates: Candidate[] = [];
  for (const channel of await store.listScheduledChannels()) {
    const slot = latestSlot(log, channel, now);
    if (slot === undefined) continue;
    const ageMs = now.getTime() - slot.at.getTime();
    if (ageMs <= ctx.graceMs) {
      candidates.push({ channel, slot });
    } else if ((await store.lastDeliveredSlot(channel.channelId)) !== slot.slotKey) {
      const hours = Math.round((ageMs / HOUR_MS) * 10) / 10;
      log.warn({ channelId: channel.channelId, slotKey: slot.slotKey, ageHours: hours, graceHours: deps.catchupHours }, "missed digest slot too old to catch up");
      await skipSlot(ctx, report, { channel, slot }, `missed by ${hours} h, more than the ${deps.catchupHours} h catch-up window`);
    }
  }
  return candidates;
}
