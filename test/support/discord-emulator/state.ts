// What the emulator remembers, shared by the REST routes, the gateway and the test driver.
import type { APIAllowedMentions, APIApplicationCommand, APIEmbed, APIInteraction, APIUser, InteractionResponseType, InteractionType, MessageType } from "discord.js";
import type { Channel, Guild } from "./model.ts";
import type { Pings } from "./validation.ts";

export type Json = Record<string, unknown>;

export interface RecordedAttachment {
  id: string;
  filename: string;
  size: number;
  /** The part's Content-Type and bytes as uploaded (recorded for tests; not part of Discord's answer). */
  contentType?: string;
  data?: Buffer;
}

export interface RecordedMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  /** channel: POST /channels/:id/messages; reply: an interaction's original response; followup: webhook follow-up. */
  source: "channel" | "reply" | "followup";
  interactionId: string | null;
  type: MessageType;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  attachments: RecordedAttachment[];
  flags: number;
  ephemeral: boolean;
  /** A deferred reply still showing "<bot> is thinking…". */
  loading: boolean;
  deleted: boolean;
  nonce: string | number | null;
  /** allowed_mentions of the latest write that carried one; null when never sent (Discord then parses all). */
  allowedMentions: APIAllowedMentions | null;
  /** Who Discord notified when the message was created (edits, and completing a deferral, never notify). */
  pings: Pings;
  createdAt: number;
  editedAt: number | null;
  /** Every JSON body that created or edited the message, oldest first. */
  writes: Json[];
}

export interface AckRecord {
  type: InteractionResponseType;
  at: number;
  /** Time from dispatch (the INTERACTION_CREATE send) to the accepted callback. */
  latencyMs: number;
  data: Json;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  payload: APIInteraction;
  user: APIUser;
  createdAt: number;
  ackWindowMs: number;
  ack: AckRecord | null;
  originalId: string | null;
  followupIds: string[];
  /** Callbacks Discord refused (late, duplicate, invalid), with their error codes. */
  rejectedCallbacks: Array<{ at: number; status: number; code: number }>;
}

export type FaultKind = "rateLimit" | "missingPermissions" | "missingAccess" | "unknownChannel" | "serverError" | "delay" | "stall";

export interface FaultSpec {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Path after /api/v10: a RegExp, or a string that must equal the path. */
  path: RegExp | string;
  /** How many matching requests fail (default 1; Infinity for a lasting failure). */
  times?: number;
  fault: FaultKind;
  /** rateLimit only: seconds sent in retry-after and the body (default 1; discord.js accepts fractions). */
  retryAfterSeconds?: number;
  /** rateLimit only: a global limit (x-ratelimit-global, scope "global"). */
  global?: boolean;
  /** rateLimit only: x-ratelimit-scope (default "user", or "global" when global). */
  scope?: "user" | "global" | "shared";
  /** serverError only: status (default 500). */
  status?: number;
  /**
   * The fault applies until this instant (epoch ms) rather than a number of times; a rateLimit
   * then answers retry_after = the time left (a channel rate-limited "for 150 s").
   */
  untilMs?: number;
  /** Only requests whose parsed JSON body passes this test (e.g. one message's nonce). */
  match?: (body: unknown) => boolean;
  /** delay only: the request is answered normally after this many ms. */
  delayMs?: number;
}

export interface InjectedFault {
  readonly spec: FaultSpec;
  remaining: number;
  /** Requests answered with this fault so far. */
  hits: number;
}

export interface RequestRecord {
  method: string;
  /** Path after /api/v10, query excluded. */
  path: string;
  query: string;
  status: number;
  at: number;
  body: unknown;
  /** Set when an injected fault answered the request. */
  fault: FaultKind | null;
}

export interface EmulatorSettings {
  ackWindowMs: number;
  interactionTokenTtlMs: number;
  nonceWindowMs: number;
  rateLimit: { limit: number; windowMs: number };
  /** Gateway shards: GET /gateway/bot recommends it and IDENTIFY must use it. */
  shards: number;
}

export interface EmulatorState {
  readonly token: string;
  readonly applicationId: string;
  readonly bot: APIUser;
  readonly guilds: Guild[];
  readonly channels: Map<string, Channel>;
  readonly settings: EmulatorSettings;
  gatewayUrl: string;
  commands: APIApplicationCommand[];
  readonly messages: Map<string, RecordedMessage>;
  readonly interactions: Map<string, InteractionRecord>;
  readonly requests: RequestRecord[];
  readonly faults: InjectedFault[];
  /** DM channels the bot opened (POST /users/@me/channels): channel id → recipient user id. */
  readonly dmChannels: Map<string, string>;
  /** Requests held by a "stall" fault: ended (connection destroyed, nothing created) by clearFaults() or close(). */
  readonly stalled: Set<() => void>;
  /** Wakes every pending waitFor after a state change. */
  notify(): void;
}
