import { dueSlots, latestSlotAtOrBefore, type Slot } from "../core/slots.ts";
import type { Logger } from "../logger.ts";
import type { Candidate, SchedulerContext } from "./scheduler-context.ts";
import type { ScheduledChannel, TickReport } from "./scheduler-types.ts";
import { skipSlot } from "./slot-outcomes.ts";

/** Which channels' slots are due, at each channel's local time (slots.ts: per channel zone, DST-correct). */

/** The channel's latest slot at or before `now`; undefined (and logged) when its schedule is unusable. */
export function latestSlot(log: Logger, channel: ScheduledChannel, now: Date): Slot | undefined {
  try {
    return latestSlotAtOrBefore(now, channel.schedule);
  } catch (err) {
    log.warn({ err, channelId: channel.channelId, schedule: channel.schedule }, "digest schedule unusable");
    return undefined;
  }
}

/** The newest slot of each channel due in (from, now]; older slots due in that span are recorded skipped. */
export async function slotsDueBetween(ctx: SchedulerContext, from: Date, now: Date, report: TickReport): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const channel of await ctx.store.listScheduledChannels()) {
    let due: Slot[];
    try {
      due = dueSlots(now, from, channel.schedule);
    } catch (err) {
      ctx.log.warn({ err, channelId: channel.channelId, schedule: channel.schedule }, "digest schedule unusable");
      continue;
    }
    // After a stall longer than a day only the newest slot is worth a digest.
    for (const old of due.slice(0, -1)) await skipSlot(ctx, report, { channel, slot: old }, "superseded by a newer slot");
    const slot = due.at(-1);
    if (slot !== undefined) candidates.push({ channel, slot });
  }
  return candidates;
}
