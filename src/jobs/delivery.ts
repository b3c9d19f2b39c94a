import { messageNonce } from "../core/delivery-nonce.ts";
import type { AcceptedPart, Store } from "../core/store.ts";
import {
  ChannelUnavailableError,
  parseMessages,
  serializeMessages,
  type DeliveryOutcome,
  type DeliveryRequest,
  type DigestSender,
  type OutgoingMessage,
} from "../core/outbox.ts";
import type { Logger } from "../logger.ts";

/**
 * Delivering one digest to one channel: the one path used by the scheduler and by /digest now.
 *
 * The delivery is a claim in the store's ledger. The claim has a short lease that a heartbeat
 * renews while the holder works, so a dead holder is replaced within about a lease, and a live
 * but slow one never is. The messages to send are stored with the claim before the first send and
 * each message is recorded as Discord accepts it (message id and nonce), so whoever holds the
 * claim next continues from the first unsent message with exactly the same messages: no message
 * is posted twice and none is lost. The claim is checked before each send.
 *
 * Failures: 5xx, timeouts and dropped connections are retried with backoff; a 403/404 refusal of
 * the channel is retried too and the channel is paused only when the refusal persists; long rate
 * limits are waited out here (the claim kept alive) so other channels are not held up.
 */

export interface DeliveryPolicy {
  /** Lease of a claim; renewed every third of it (default 45 s). */
  leaseMs: number;
  /** First backoff after a failed send; doubles each time, with jitter (default 5 s). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Transient failures of one message before the delivery is given back for a later try (default 6). */
  maxSendAttempts: number;
  /** Refusals in a row before the channel is paused (default 3: about 25 s apart at the defaults). */
  refusalsToPause: number;
  /** Rate limits waited out in one delivery, in total, before it is given back for a later try (default 10 min). */
  maxRateLimitWaitMs: number;
  /** Bound on composing the messages (the digest build); an overrun gives the claim up (default 10 min). */
  composeDeadlineMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  leaseMs: 45_000,
  retryBaseMs: 5_000,
  retryMaxMs: 60_000,
  maxSendAttempts: 6,
  refusalsToPause: 3,
  maxRateLimitWaitMs: 10 * 60_000,
  composeDeadlineMs: 10 * 60_000,
};

export interface DeliveryDeps {
  store: Store;
  sender: DigestSender;
  log: Logger;
  /** Who holds the claims this process makes (host:pid:random). */
  owner: string;
  policy?: Partial<DeliveryPolicy>;
}

class ClaimLost extends Error {}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

export function backoffMs(policy: DeliveryPolicy, failures: number, random: () => number = Math.random): number {
  const base = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Posts a digest to a channel under a ledger claim; never throws for Discord's or the store's failures. */
export async function deliverDigest(deps: DeliveryDeps, request: DeliveryRequest): Promise<DeliveryOutcome> {
  const { store, sender, owner } = deps;
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...deps.policy };
  const { channelId, slotKey } = request;
  const log = deps.log.child({ channelId, slotKey });

  let claim = request.claim;
  if (claim === undefined) {
    const result = await store.claimDelivery(channelId, slotKey, owner, policy.leaseMs);
    if (!result.claimed) {
      return result.status === "claimed" ? { status: "held", leaseRemainingMs: result.leaseRemainingMs } : { status: "finished", state: result.status };
    }
    claim = { nonce: result.nonce, attempt: result.attempt };
  }
  const { nonce, attempt } = claim;

  const work = new AbortController();
  const onOuterAbort = () => work.abort(request.signal?.reason);
  request.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (request.signal?.aborted) onOuterAbort();
  let lost = false;
  const renew = async (): Promise<boolean> => {
    if (lost) return false;
    if (!(await store.renewClaim(channelId, slotKey, owner, policy.leaseMs))) {
      lost = true;
      work.abort(new ClaimLost("the claim was taken over"));
    }
    return !lost;
  };
  const heartbeat = setInterval(() => {
    renew().catch((err: unknown) => log.warn({ err }, "could not renew the digest claim"));
  }, Math.max(50, Math.floor(policy.leaseMs / 3)));
  heartbeat.unref();

  const giveBack = async (error: string, extra: { retryInMs?: number; permanent?: boolean; cause?: unknown } = {}): Promise<DeliveryOutcome> => {
    if (lost) return { status: "lost", attempt };
    await store.releaseClaim(channelId, slotKey, owner).catch((err: unknown) => log.warn({ err }, "could not release the digest claim"));
    return { status: "failed", error, attempt, ...extra };
  };

  try {
    const progress = await store.deliveryProgress(channelId, slotKey);
    let messages: OutgoingMessage[];
    if (progress.plan !== undefined) {
      messages = parseMessages(progress.plan);
    } else {
      const deadline = AbortSignal.any([work.signal, AbortSignal.timeout(policy.composeDeadlineMs)]);
      try {
        messages = await raceAbort(request.compose(deadline), deadline);
      } catch (err) {
        if (lost) return { status: "lost", attempt };
        const overran = deadline.aborted && !work.signal.aborted;
        log.warn({ err, attempt }, overran ? "digest build overran its deadline; claim given up" : "digest build failed");
        return await giveBack(overran ? `the digest build took longer than ${Math.round(policy.composeDeadlineMs / 1000)} s` : errorText(err), { cause: err });
      }
      // A holder that took over mid-build may have stored its messages first: those are the ones sent.
      const stored = await store.saveDeliveryPlan(channelId, slotKey, serializeMessages(messages));
      if (stored !== undefined) messages = parseMessages(stored);
    }

    const accepted = new Map(progress.parts.map((p) => [p.part, p] as const));
    const resumedFrom = accepted.size;
    if (resumedFrom > 0) log.info({ accepted: resumedFrom, of: messages.length, attempt }, "continuing a digest delivery from its first unsent message");
    let rateLimitedMs = 0;
    for (const [part, message] of messages.entries()) {
      if (accepted.has(part)) continue;
      const partNonce = messageNonce(nonce, part);
      let transient = 0;
      let refusals = 0;
      for (;;) {
        if (!(await renew())) return { status: "lost", attempt };
        let messageId: string;
        try {
          messageId = await sender.send(channelId, message, partNonce, work.signal);
        } catch (err) {
          if (lost) return { status: "lost", attempt };
          if (work.signal.aborted) throw err;
          const failure = sender.classify(err);
          if (failure.kind === "refused") {
            refusals++;
            log.warn({ status: failure.status, code: failure.code, refusals, part }, "channel refused a digest message");
            if (refusals >= policy.refusalsToPause) {
              const refusal = new ChannelUnavailableError(channelId, failure, [...accepted.values()].map((p) => p.messageId), { cause: err });
              await pause(deps, log, refusal, slotKey, request.tellServerOnPause);
              return { status: "paused", refusal };
            }
            await abortableSleep(backoffMs(policy, refusals), work.signal);
          } else if (failure.kind === "rateLimited") {
            rateLimitedMs += failure.retryAfterMs;
            log.warn({ retryAfterMs: failure.retryAfterMs, part }, "channel rate limited; waiting it out");
            if (rateLimitedMs > policy.maxRateLimitWaitMs) return await giveBack("rate limited by Discord", { retryInMs: failure.retryAfterMs });
            await abortableSleep(failure.retryAfterMs, work.signal);
          } else if (failure.kind === "transient") {
            transient++;
            log.warn({ err, part, failures: transient }, "digest message not accepted; retrying");
            if (transient >= policy.maxSendAttempts) return await giveBack(failure.message);
            await abortableSleep(backoffMs(policy, transient), work.signal);
          } else {
            log.error({ err, part }, "Discord refused a digest message");
            return await giveBack(failure.message, { permanent: true });
          }
          continue;
        }
        const record: AcceptedPart = { part, messageId, nonce: partNonce };
        accepted.set(part, record);
        await store.recordAcceptedPart(channelId, slotKey, record);
        log.info({ part, of: messages.length, messageId }, "digest message accepted");
        break;
      }
    }
    const messageIds = [...accepted.values()].toSorted((a, b) => a.part - b.part).map((p) => p.messageId);
    await store.markDelivered(channelId, slotKey, messageIds);
    return { status: "delivered", messageIds, resumedFrom, attempt };
  } catch (err) {
    if (lost) return { status: "lost", attempt };
    if (work.signal.aborted) return await giveBack(`stopped: ${errorText(work.signal.reason)}`);
    log.error({ err, attempt }, "digest delivery failed");
    return await giveBack(errorText(err));
  } finally {
    clearInterval(heartbeat);
    request.signal?.removeEventListener("abort", onOuterAbort);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err as Error);
      },
    );
  });
}

export function pauseNotice(channelId: string, reason: string): string {
  return [
    `I paused the daily market digest in <#${channelId}>: ${reason}.`,
    "Fix that in the channel's settings, then have someone with Manage Channels run /digest schedule (or /watch add) there to resume it.",
  ].join("\n");
}

async function pause(
  deps: DeliveryDeps,
  log: Logger,
  refusal: ChannelUnavailableError,
  slotKey: string,
  tell: DeliveryRequest["tellServerOnPause"],
): Promise<void> {
  const { store, sender } = deps;
  const { channelId } = refusal;
  await store.pauseChannel(channelId, refusal.reason);
  await store.markSkipped(channelId, slotKey, `channel paused: ${refusal.reason}`);
  log.warn({ status: refusal.status, code: refusal.code, posted: refusal.postedIds.length }, "channel keeps refusing the digest; paused");
  if (tell === undefined || !(await store.claimPauseNotice(channelId))) return;
  const text = pauseNotice(channelId, refusal.reason);
  if (tell.contactId !== undefined) {
    try {
      await sender.sendDirect(tell.contactId, text);
      log.info({ userId: tell.contactId }, "told the digest's owner about the pause");
      return;
    } catch (err) {
      log.warn({ err, userId: tell.contactId }, "could not send the pause notice by direct message; trying the server's system channel");
    }
  }
  try {
    const system = await sender.systemChannel(tell.guildId);
    if (system === undefined || system === channelId) {
      log.warn({ guildId: tell.guildId }, "nobody to tell about the paused digest (no contact, no system channel)");
      return;
    }
    await sender.send(system, { content: text, embeds: [] }, messageNonce(`pause${channelId}`.slice(0, 22), 0));
    log.info({ systemChannelId: system }, "told the server about the pause in its system channel");
  } catch (err) {
    log.warn({ err, guildId: tell.guildId }, "could not tell the server about the paused digest");
  }
}
