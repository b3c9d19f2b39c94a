import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIMessage, type REST } from "discord.js";
import { messageNonce } from "../core/delivery-nonce.ts";
import type { Store } from "../core/store.ts";
import type { Logger } from "../logger.ts";
import type { DigestMessage } from "./render-digest.ts";

/** Why Discord refused a channel, in words a server admin can act on. */
export const CHANNEL_REFUSALS = {
  [RESTJSONErrorCodes.MissingPermissions]:
    "Missing Permissions: the bot needs View Channel, Send Messages and Embed Links here",
  [RESTJSONErrorCodes.MissingAccess]: "Missing Access: the bot cannot see this channel; it needs View Channel here",
  [RESTJSONErrorCodes.UnknownChannel]: "Unknown Channel: the channel was deleted or the bot can no longer reach it",
} as const;

type RefusalCode = keyof typeof CHANNEL_REFUSALS;

/** Discord refused the channel for good (no access, deleted): the channel has been paused. */
export class ChannelUnavailableError extends Error {
  readonly channelId: string;
  readonly status: number;
  readonly code: RefusalCode;
  /** The reason stored with the pause. */
  readonly reason: string;
  /** Ids of the messages of this delivery that were posted before the refusal. */
  readonly postedIds: string[];
  constructor(channelId: string, status: number, code: RefusalCode, postedIds: string[], options?: { cause?: unknown }) {
    const reason = CHANNEL_REFUSALS[code];
    super(`Discord refused channel ${channelId}: ${reason}`, options);
    this.name = "ChannelUnavailableError";
    this.channelId = channelId;
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.postedIds = postedIds;
  }
}

/** The refusal code of an answer that means "this channel will not take messages", else undefined. */
export function channelRefusal(err: unknown): RefusalCode | undefined {
  if (!(err instanceof DiscordAPIError)) return undefined;
  if (err.status === 403 && (err.code === RESTJSONErrorCodes.MissingPermissions || err.code === RESTJSONErrorCodes.MissingAccess)) {
    return err.code;
  }
  if (err.status === 404 && err.code === RESTJSONErrorCodes.UnknownChannel) return err.code;
  return undefined;
}

export interface PublishRequest {
  channelId: string;
  messages: readonly DigestMessage[];
  /** The delivery's base nonce (deliveryNonce): the same on every attempt of one delivery. */
  nonceBase: string;
}

export interface DigestPublisher {
  /**
   * Posts the messages in order and returns their ids. Each message carries the nonce of its
   * part with enforce_nonce, so a retried delivery is deduplicated by Discord within its nonce
   * window. A channel Discord refuses is paused (reason kept) and ChannelUnavailableError thrown;
   * any other failure is thrown as is (rate limits are waited out by the REST client).
   */
  publish(request: PublishRequest): Promise<string[]>;
}

export interface PublisherDeps {
  /** discord.js REST client (`client.rest`). */
  rest: REST;
  store: Store;
  log: Logger;
}

export function createDigestPublisher(deps: PublisherDeps): DigestPublisher {
  return {
    async publish({ channelId, messages, nonceBase }) {
      const ids: string[] = [];
      for (const [part, message] of messages.entries()) {
        const body = {
          ...(message.content !== undefined && message.content !== "" ? { content: message.content } : {}),
          embeds: message.embeds,
          nonce: messageNonce(nonceBase, part),
          enforce_nonce: true,
          allowed_mentions: { parse: [] },
        };
        try {
          const files = message.files?.map((f) => ({ name: f.name, data: Buffer.from(f.data), contentType: "image/png" }));
          const posted = (await deps.rest.post(Routes.channelMessages(channelId), { body, ...(files?.length ? { files } : {}) })) as APIMessage;
          ids.push(posted.id);
        } catch (err) {
          const code = channelRefusal(err);
          if (code === undefined) throw err;
          const refusal = new ChannelUnavailableError(channelId, (err as DiscordAPIError).status, code, ids, { cause: err });
          await deps.store.pauseChannel(channelId, refusal.reason);
          deps.log.warn({ channelId, status: refusal.status, code, posted: ids.length }, "channel refused the digest; paused");
          throw refusal;
        }
      }
      return ids;
    },
  };
}
