import { createKeyedLimiter } from "../core/limiter.ts";
import { keyOf, type Candidate, type Claimed, type SchedulerContext } from "./scheduler-context.ts";
import type { TickReport } from "./scheduler-types.ts";
import { skipSlot } from "./slot-outcomes.ts";

/**
 * Claims (channel, slot) pairs in the store's delivery ledger. A slot another instance holds is
 * kept pending and looked at again once that holder's lease has ended.
 */
export async function claimSlots(ctx: SchedulerContext, candidates: readonly Candidate[], report: TickReport): Promise<Claimed[]> {
  const { store, pending, running } = ctx;
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
      await skipSlot(ctx, report, candidate, "the channel follows no tickers");
      return;
    }
    const claim = await store.claimDelivery(channelId, slotKey, ctx.instanceId, ctx.leaseMs);
    if (claim.claimed) {
      claimed.push({ ...candidate, nonce: claim.nonce, attempt: claim.attempt });
    } else if (claim.status === "claimed") {
      pending.set(key, candidate);
      report.held.push({ channelId, slotKey });
      ctx.wakeIn(claim.leaseRemainingMs + 1000);
    } else {
      pending.delete(key);
    }
  };
  // Claims are short statements: a few at a time keeps a PostgreSQL pool free for the deliveries.
  const claims = createKeyedLimiter({ concurrency: 8 });
  await Promise.all(candidates.map((candidate) => claims.run("*", () => claimOne(candidate))));
  return claimed;
}
