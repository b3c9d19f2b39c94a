import { createHash } from "node:crypto";

/** Base nonce of a (channel, slot) delivery: the same for every attempt, so retries can be deduplicated. */
export function deliveryNonce(channelId: string, slotKey: string): string {
  return createHash("sha256").update(`${channelId}|${slotKey}`).digest("hex").slice(0, 22);
}

/** Discord message nonce (at most 25 characters) of one message of a delivery. */
export function messageNonce(base: string, part: number): string {
  return `${base}${String(part).padStart(3, "0")}`;
}
