import type { BriefResult } from "./brief.ts";

/** What identifies a brief in the cache: the same article, prompt, model and language. */
export interface BriefCacheKey {
  /** Canonical URL, or `sha256:<hex>` of the text for files and stdin. */
  source: string;
  promptVersion: string;
  model: string;
  language: string;
}

export interface CachedBrief {
  result: BriefResult;
  createdAt: string;
}

export interface DigestSchedule {
  /** Local wall-clock time "HH:MM". */
  time: string;
  /** IANA time zone. */
  timeZone: string;
  weekdaysOnly: boolean;
}

export interface ChannelState {
  channelId: string;
  guildId: string;
  schedule?: DigestSchedule;
  /** Set when Discord refused the channel (no access, deleted); digests stop until resumed. */
  pausedReason?: string;
  pausedAt?: string;
  /** When the last digest for this channel went out (ISO). */
  lastDigestAt?: string;
  /** Language of the channel's digests (ISO 639-1), chosen with /digest schedule; kept when the schedule is turned off. */
  language?: string;
  /** Discord user id of whoever last set the schedule: told (by DM) when the channel is paused. */
  digestContactId?: string;
  /** When the server was told about the current pause (ISO); cleared on resume. */
  pauseNotifiedAt?: string;
}

export type AddWatchResult = "added" | "exists" | "limit";

export type ClaimResult =
  | { claimed: true; nonce: string; attempt: number }
  | { claimed: false; status: "sent" | "skipped" }
  /** Someone else holds the slot; their lease ends in `leaseRemainingMs` unless renewed. */
  | { claimed: false; status: "claimed"; leaseRemainingMs: number };

/** One message of a delivery that Discord accepted. */
export interface AcceptedPart {
  part: number;
  messageId: string;
  nonce: string;
}

/** What a delivery has done so far: the messages it is to send (JSON, set once) and those accepted. */
export interface DeliveryProgress {
  plan?: string;
  parts: AcceptedPart[];
}

export interface FeedState {
  url: string;
  etag?: string;
  lastModified?: string;
  /** Consecutive failures; reset on success. */
  failures: number;
  /** Do not fetch before this instant (ISO) after failures. */
  nextAttemptAt?: string;
  lastError?: string;
  /** The first failure of the current run of failures (ISO); absent while the feed reads. */
  failingSince?: string;
  lastFetchedAt?: string;
  /** Items of the last good response, JSON, reused on 304 Not Modified. */
  itemsJson?: string;
}

/**
 * Persistence behind one small interface, so SQLite (default) and PostgreSQL (at scale) share
 * the same tests. Every method is async even where SQLite is synchronous.
 */
export interface Store {
  readonly kind: "sqlite" | "postgres";
  getBrief(key: BriefCacheKey): Promise<CachedBrief | undefined>;
  putBrief(key: BriefCacheKey, result: BriefResult): Promise<void>;
  /** Adds `amount` to a named counter for a period (e.g. a guild's daily LLM briefs) and returns the new total. */
  incrementCounter(name: string, period: string, amount?: number): Promise<number>;
  getCounter(name: string, period: string): Promise<number>;

  addWatch(channelId: string, guildId: string, symbol: string, limit: number): Promise<AddWatchResult>;
  removeWatch(channelId: string, symbol: string): Promise<boolean>;
  listWatches(channelId: string): Promise<string[]>;

  getChannel(channelId: string): Promise<ChannelState | undefined>;
  setSchedule(channelId: string, guildId: string, schedule: DigestSchedule | undefined): Promise<void>;
  setDigestLanguage(channelId: string, guildId: string, language: string): Promise<void>;
  pauseChannel(channelId: string, reason: string): Promise<void>;
  resumeChannel(channelId: string): Promise<void>;
  setLastDigestAt(channelId: string, at: string): Promise<void>;
  /** Records who set the channel's digest up (told when it is paused). */
  setDigestContact(channelId: string, userId: string): Promise<void>;
  /**
   * Marks the current pause as told to the server; true only for the first caller of a pause
   * (across instances), so the server hears about it once.
   */
  claimPauseNotice(channelId: string): Promise<boolean>;
  /**
   * The guild's channels that have watches or a schedule (paused or not), by channel id, each
   * with its watched symbols in the order added.
   */
  listGuildChannels(guildId: string): Promise<Array<ChannelState & { symbols: string[] }>>;
  /** Channels with a schedule, not paused, with their watched symbols (may be empty). */
  listScheduledChannels(): Promise<Array<ChannelState & { schedule: DigestSchedule; symbols: string[] }>>;

  /**
   * Claims the delivery of a digest slot for a channel. A fresh slot, or one whose earlier claim
   * expired without being marked sent (a crash mid-send), is claimed; the nonce stays the same
   * across attempts so Discord can drop a duplicate send.
   */
  claimDelivery(channelId: string, slotKey: string, owner: string, leaseMs: number): Promise<ClaimResult>;
  /**
   * Extends the claim's lease when `owner` still holds it (a heartbeat, and the check before each
   * send); false when the claim was lost (taken over after its lease ran out) or is finished.
   */
  renewClaim(channelId: string, slotKey: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Gives the claim up at once (a stop, an overrun deadline): the next claimer need not wait out the lease. */
  releaseClaim(channelId: string, slotKey: string, owner: string): Promise<void>;
  deliveryProgress(channelId: string, slotKey: string): Promise<DeliveryProgress>;
  /** Stores the delivery's messages unless some are stored already; returns the stored ones. */
  saveDeliveryPlan(channelId: string, slotKey: string, planJson: string): Promise<string | undefined>;
  /** Records one message as accepted by Discord (idempotent). */
  recordAcceptedPart(channelId: string, slotKey: string, part: AcceptedPart): Promise<void>;
  markDelivered(channelId: string, slotKey: string, messageIds: string[]): Promise<void>;
  /** Records a slot as deliberately not sent (paused channel, too old to catch up). */
  markSkipped(channelId: string, slotKey: string, reason: string): Promise<void>;
  lastDeliveredSlot(channelId: string): Promise<string | undefined>;

  getFeedState(url: string): Promise<FeedState | undefined>;
  putFeedState(state: FeedState): Promise<void>;

  /** A small JSON cache for derived results shared across channels (e.g. a ticker's daily synthesis). */
  getCached(kind: string, key: string): Promise<string | undefined>;
  putCached(kind: string, key: string, json: string): Promise<void>;

  close(): Promise<void>;
}

/** Where the store lives: a SQLite file, or a PostgreSQL server (DATABASE_URL). */
export type DatabaseLocation = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };
