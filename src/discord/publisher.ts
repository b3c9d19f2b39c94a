import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes, Routes, type APIChannel, type APIGuild, type APIMessage, type RateLimitData, type REST } from "discord.js";
import type { DigestSender, SendFailure } from "../core/outbox.ts";

/** Why Discord refused a channel, in words a server admin can act on. */
export const CHANNEL_REFUSALS = {
  [RESTJSONErrorCodes.MissingPermissions]:
    "Missing Permissions: the bot needs View Channel, Send Messages and Embed Links here",
  [RESTJSONErrorCodes.MissingAccess]: "Missing Access: the bot cannot see this channel; it needs View Channel here",
  [RESTJSONErrorCodes.UnknownChannel]: "Unknown Channel: the channel was deleted or the bot can no longer reach it",
} as const;

export type RefusalCode = keyof typeof CHANNEL_REFUSALS;

/** The refusal code of an answer that means "this channel will not take messages", else undefined. */
export function channelRefusal(err: unknown): RefusalCode | undefined {
  if (!(err instanceof DiscordAPIError)) return undefined;
  if (err.status === 403 && (err.code === RESTJSONErrorCodes.MissingPermissions || err.code === RESTJSONErrorCodes.MissingAccess)) {
    return err.code;
  }
  if (err.status === 404 && err.code === RESTJSONErrorCodes.UnknownChannel) return err.code;
  return undefined;
}

export function classifySendError(err: unknown): SendFailure {
  const code = channelRefusal(err);
  if (code !== undefined) return { kind: "refused", code, status: (err as DiscordAPIError).status, reason: CHANNEL_REFUSALS[code] };
  if (err instanceof RateLimitError) return { kind: "rateLimited", retryAfterMs: Math.max(err.retryAfter, err.timeToReset, 1000) };
  if (err instanceof HTTPError) return { kind: "transient", message: `HTTP ${err.status} from Discord` };
  if (err instanceof DiscordAPIError) {
    const message = `Discord answered ${err.status} (${err.code}): ${err.message}`;
    return err.status >= 500 || err.status === 408 ? { kind: "transient", message } : { kind: "permanent", message };
  }
  // Timeouts (AbortError), refused or reset connections, DNS hiccups: the request may not have arrived.
  return { kind: "transient", message: err instanceof Error ? err.message || err.name : String(err) };
}

/** Rate limits longer than this are handed back to the delivery (which waits with its claim kept alive) instead of queued inside the REST client. */
export const LONG_RATE_LIMIT_MS = 5_000;

/**
 * discord.js `rejectOnRateLimit`: a long rate limit on posting in one channel rejects at once
 * (RateLimitError), so that channel's delivery waits it out on its own while every other channel
 * keeps posting; short ones are queued by the REST client as usual.
 */
export function rejectLongChannelRateLimits(data: RateLimitData): boolean {
  return data.route === "/channels/:id/messages" && data.method.toUpperCase() === "POST" && Math.max(data.timeToReset, data.retryAfter) > LONG_RATE_LIMIT_MS;
}

/** The sender over the bot's REST client (`client.rest`), which paces requests within Discord's limits. */
export function createDiscordSender(rest: REST): DigestSender {
  const post = async (channelId: string, body: object, signal?: AbortSignal): Promise<string> => {
    const posted = (await rest.post(Routes.channelMessages(channelId), { body, ...(signal ? { signal } : {}) })) as APIMessage;
    return posted.id;
  };
  return {
    async send(channelId, message, nonce, signal) {
      const body = {
        ...(message.content !== undefined && message.content !== "" ? { content: message.content } : {}),
        embeds: message.embeds,
        nonce,
        enforce_nonce: true,
        allowed_mentions: { parse: [] },
      };
      const files = message.files?.map((f) => ({ name: f.name, data: Buffer.from(f.data), contentType: "image/png" }));
      const posted = (await rest.post(Routes.channelMessages(channelId), {
        body,
        ...(files?.length ? { files } : {}),
        ...(signal ? { signal } : {}),
      })) as APIMessage;
      return posted.id;
    },
    classify: classifySendError,
    async sendDirect(userId, content) {
      const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
      return post(dm.id, { content, allowed_mentions: { parse: [] } });
    },
    async systemChannel(guildId) {
      const guild = (await rest.get(Routes.guild(guildId))) as APIGuild;
      return guild.system_channel_id ?? undefined;
    },
  };
}
