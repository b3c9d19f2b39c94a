import type { Pool } from "pg";
import type { AcceptedPart, ClaimResult, DeliveryProgress, Store } from "../../core/store.ts";
import { deliveryNonce } from "../../core/delivery-nonce.ts";
import { poolQuery } from "./postgres-query.ts";
import { partFromRow, type PartRow } from "./rows.ts";

export type PostgresDeliveryQueries = Pick<
  Store,
  | "claimDelivery"
  | "renewClaim"
  | "releaseClaim"
  | "deliveryProgress"
  | "saveDeliveryPlan"
  | "recordAcceptedPart"
  | "markDelivered"
  | "markSkipped"
  | "lastDeliveredSlot"
>;

/** Epoch milliseconds by the database's clock, so instances on several hosts agree on lease expiry. */
const NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/** The digest delivery ledger: claims and leases on a slot, its plan, accepted parts, and the outcome. */
export function postgresDeliveryQueries(pool: Pool): PostgresDeliveryQueries {
  const query = poolQuery(pool);
  return {
    async claimDelivery(channelId, slotKey, owner, leaseMs): Promise<ClaimResult> {
      // One statement: a concurrent claim of the same slot waits on the row, then re-checks the WHERE.
      const [row] = await query<{ nonce: string; attempt: number }>(
        `INSERT INTO deliveries (channel_id, slot_key, status, owner, nonce, attempt, claimed_at, lease_until)
         SELECT $1, $2, 'claimed', $3, $4, 1, t.now_ms, t.now_ms + $5::bigint FROM (SELECT ${NOW_MS} AS now_ms) t
         ON CONFLICT (channel_id, slot_key) DO UPDATE SET owner = EXCLUDED.owner, attempt = deliveries.attempt + 1,
           claimed_at = EXCLUDED.claimed_at, lease_until = EXCLUDED.lease_until
         WHERE deliveries.status = 'claimed' AND deliveries.lease_until <= EXCLUDED.claimed_at
         RETURNING nonce, attempt`,
        [channelId, slotKey, owner, deliveryNonce(channelId, slotKey), leaseMs],
      );
      if (row) return { claimed: true, nonce: row.nonce, attempt: row.attempt };
      const [existing] = await query<{ status: "sent" | "claimed" | "skipped"; remaining: string }>(
        `SELECT status, lease_until - ${NOW_MS} AS remaining FROM deliveries WHERE channel_id = $1 AND slot_key = $2`,
        [channelId, slotKey],
      );
      if (existing === undefined || existing.status === "claimed") {
        return { claimed: false, status: "claimed", leaseRemainingMs: Math.max(0, Number(existing?.remaining ?? 0)) };
      }
      return { claimed: false, status: existing.status };
    },
    async renewClaim(channelId, slotKey, owner, leaseMs) {
      const result = await pool.query(
        `UPDATE deliveries SET lease_until = ${NOW_MS} + $4::bigint
         WHERE channel_id = $1 AND slot_key = $2 AND owner = $3 AND status = 'claimed'`,
        [channelId, slotKey, owner, leaseMs],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async releaseClaim(channelId, slotKey, owner) {
      await query("UPDATE deliveries SET lease_until = 0 WHERE channel_id = $1 AND slot_key = $2 AND owner = $3 AND status = 'claimed'", [
        channelId,
        slotKey,
        owner,
      ]);
    },
    async deliveryProgress(channelId, slotKey): Promise<DeliveryProgress> {
      const [row] = await query<{ plan_json: string | null }>("SELECT plan_json FROM deliveries WHERE channel_id = $1 AND slot_key = $2", [
        channelId,
        slotKey,
      ]);
      const parts = await query<PartRow>(
        "SELECT part, message_id, nonce FROM delivery_parts WHERE channel_id = $1 AND slot_key = $2 ORDER BY part",
        [channelId, slotKey],
      );
      return { ...(row?.plan_json != null ? { plan: row.plan_json } : {}), parts: parts.map(partFromRow) };
    },
    async saveDeliveryPlan(channelId, slotKey, planJson) {
      const [row] = await query<{ plan_json: string | null }>(
        "UPDATE deliveries SET plan_json = COALESCE(plan_json, $1) WHERE channel_id = $2 AND slot_key = $3 RETURNING plan_json",
        [planJson, channelId, slotKey],
      );
      return row?.plan_json ?? undefined;
    },
    async recordAcceptedPart(channelId, slotKey, part: AcceptedPart) {
      await query(
        `INSERT INTO delivery_parts (channel_id, slot_key, part, message_id, nonce, accepted_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (channel_id, slot_key, part) DO NOTHING`,
        [channelId, slotKey, part.part, part.messageId, part.nonce, new Date().toISOString()],
      );
    },
    async markDelivered(channelId, slotKey, messageIds) {
      await query("UPDATE deliveries SET status = 'sent', sent_at = $1, message_ids = $2 WHERE channel_id = $3 AND slot_key = $4", [
        new Date().toISOString(),
        JSON.stringify(messageIds),
        channelId,
        slotKey,
      ]);
    },
    async markSkipped(channelId, slotKey, reason) {
      await query(
        `INSERT INTO deliveries (channel_id, slot_key, status, owner, nonce, attempt, claimed_at, lease_until, note)
         VALUES ($1, $2, 'skipped', '', '', 0, ${NOW_MS}, 0, $3)
         ON CONFLICT (channel_id, slot_key) DO UPDATE SET status = 'skipped', note = EXCLUDED.note WHERE deliveries.status <> 'sent'`,
        [channelId, slotKey, reason],
      );
    },
    async lastDeliveredSlot(channelId) {
      const [row] = await query<{ slot_key: string }>(
        "SELECT slot_key FROM deliveries WHERE channel_id = $1 AND status = 'sent' ORDER BY sent_at DESC LIMIT 1",
        [channelId],
      );
      return row?.slot_key;
    },
  };
}
