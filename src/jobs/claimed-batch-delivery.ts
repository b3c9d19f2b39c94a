import { digestSince, selectTickers } from "../core/digest-builder.ts";
import type { Digest } from "../core/digest.ts";
import { deliverDigest } from "./delivery.ts";
import { keyOf, type Claimed, type SchedulerContext } from "./scheduler-context.ts";
import type { TickReport } from "./scheduler-types.ts";
import { settleDelivery } from "./slot-outcomes.ts";

/** Starts the deliveries of claimed channels; resolves once their digests are built, with the deliveries' ends. */
export async function deliverClaimedBatch(ctx: SchedulerContext, claimed: readonly Claimed[], now: Date, report: TickReport): Promise<Promise<void>[]> {
  const { store, builder, sender, log, running } = ctx;
  // Channels with the same `since` and language share one build: the union of their tickers, built once.
  const groups = new Map<string, { since: number; language: string; symbols: Set<string>; digest?: Promise<Digest> }>();
  const groupOf = (item: Claimed) => {
    const since = digestSince(item.channel.lastDigestAt, now).getTime();
    const itemLanguage = item.channel.language ?? ctx.language;
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
    group.digest ??= builder.build({ symbols: [...group.symbols], since: new Date(group.since), language: group.language, now, signal: ctx.signal });
    return group.digest;
  };

  const jobs = claimed.map((item) => {
    const { channelId, guildId } = item.channel;
    const { slotKey } = item.slot;
    const key = keyOf(channelId, slotKey);
    const job = ctx.limit(() =>
      deliverDigest(
        { store, sender, log, owner: ctx.instanceId, policy: ctx.policy },
        {
          channelId,
          slotKey,
          claim: { nonce: item.nonce, attempt: item.attempt },
          signal: ctx.signal,
          tellServerOnPause: { guildId, ...(item.channel.digestContactId ? { contactId: item.channel.digestContactId } : {}) },
          compose: async () => ctx.deps.compose(selectTickers(await digestFor(item), item.channel.symbols)),
        },
      ),
    )
      .then((outcome) => settleDelivery(ctx, report, item, outcome, now))
      .catch((err: unknown) => log.error({ err, channelId, slotKey }, "digest delivery crashed"))
      .finally(() => running.delete(key));
    running.set(key, job);
    return job;
  });
  await Promise.allSettled(claimed.map(digestFor));
  return jobs;
}
