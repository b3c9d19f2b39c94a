/**
 * What leaves for a chat channel, and how a failed send is judged: the port between digest
 * delivery (src/jobs) and the chat platform's adapter (src/discord/publisher.ts).
 */

/** One message: text, embeds (the platform's JSON) and attached files. */
export interface OutgoingMessage {
  content?: string;
  embeds: readonly object[];
  files?: readonly OutgoingFile[];
}

export interface OutgoingFile {
  name: string;
  data: Uint8Array;
}

/** How a failed send is treated (see deliverDigest in src/jobs/delivery.ts). */
export type SendFailure =
  /** The channel refused (no access, deleted): retried, and the channel paused only when it keeps refusing. */
  | { kind: "refused"; code: number; status: number; reason: string }
  /** A rate limit longer than the client waits out by itself. */
  | { kind: "rateLimited"; retryAfterMs: number }
  /** 5xx, timeouts, dropped connections: retried with backoff. */
  | { kind: "transient"; message: string }
  /** Anything else the platform refused (an invalid body, a bad token): retrying will not help. */
  | { kind: "permanent"; message: string };

export interface DigestSender {
  /**
   * Posts one message with its nonce (a repeat within the platform's nonce window is dropped) and
   * no pings; returns the message id. Errors are thrown as the client raised them: see `classify`.
   */
  send(channelId: string, message: OutgoingMessage, nonce: string, signal?: AbortSignal): Promise<string>;
  /** A direct message to a user. */
  sendDirect(userId: string, content: string): Promise<string>;
  /** The guild's system channel, when it has one. */
  systemChannel(guildId: string): Promise<string | undefined>;
  classify(err: unknown): SendFailure;
}

/** The platform kept refusing a channel (no access, deleted): the channel has been paused. */
export class ChannelUnavailableError extends Error {
  readonly channelId: string;
  readonly status: number;
  readonly code: number;
  /** The reason stored with the pause, in words a server admin can act on. */
  readonly reason: string;
  /** Ids of the messages of this delivery that were posted before the refusal. */
  readonly postedIds: string[];
  constructor(channelId: string, refusal: Extract<SendFailure, { kind: "refused" }>, postedIds: string[], options?: { cause?: unknown }) {
    super(`Discord refused channel ${channelId}: ${refusal.reason}`, options);
    this.name = "ChannelUnavailableError";
    this.channelId = channelId;
    this.status = refusal.status;
    this.code = refusal.code;
    this.reason = refusal.reason;
    this.postedIds = postedIds;
  }
}

/** The messages as stored with a delivery's claim (files as base64), so a takeover sends exactly them. */
export function serializeMessages(messages: readonly OutgoingMessage[]): string {
  return JSON.stringify(
    messages.map((m) => ({ ...m, ...(m.files ? { files: m.files.map((f) => ({ name: f.name, base64: Buffer.from(f.data).toString("base64") })) } : {}) })),
  );
}

export function parseMessages(json: string): OutgoingMessage[] {
  const stored = JSON.parse(json) as Array<Omit<OutgoingMessage, "files"> & { files?: Array<{ name: string; base64: string }> }>;
  return stored.map(({ files, ...message }) =>
    files ? { ...message, files: files.map((f) => ({ name: f.name, data: new Uint8Array(Buffer.from(f.base64, "base64")) })) } : message,
  );
}

/** One digest for one channel, delivered through the ledger (see deliverDigest in src/jobs/delivery.ts). */
export interface DeliveryRequest {
  channelId: string;
  slotKey: string;
  /** The messages, built only when the ledger holds none for this delivery yet. */
  compose(signal: AbortSignal): Promise<OutgoingMessage[]>;
  /** A claim already won (the scheduler claims first, to share builds); otherwise claimed here. */
  claim?: { nonce: string; attempt: number };
  signal?: AbortSignal;
  /** Tells the server once when the channel is paused (scheduled digests; /digest now tells its user instead). */
  tellServerOnPause?: { guildId: string; contactId?: string };
}

export type DeliveryOutcome =
  | { status: "delivered"; messageIds: string[]; resumedFrom: number; attempt: number }
  | { status: "held"; leaseRemainingMs: number }
  | { status: "finished"; state: "sent" | "skipped" }
  | { status: "paused"; refusal: ChannelUnavailableError }
  /** Another instance took the claim over (this one stalled past its lease). */
  | { status: "lost"; attempt: number }
  /** Given back (claim released): retry later, after `retryInMs` when known. */
  | { status: "failed"; error: string; attempt: number; retryInMs?: number; permanent?: boolean; cause?: unknown };
