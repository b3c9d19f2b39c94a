import { Client, GatewayIntentBits, Options, Status } from "discord.js";
import type { Config } from "../config.ts";
import { rejectLongChannelRateLimits } from "./publisher.ts";

/**
 * The gateway client: Guilds intent only (interactions need no intent), caches limited to what
 * the bot reads (guilds and channels, kept by discord.js itself; nothing else), and no mention
 * ever parsed from anything it sends. Several processes split the gateway by shard (SHARD_COUNT,
 * SHARD_IDS); Discord routes each guild's events and interactions to one shard.
 */
export function createDiscordClient(discord: Config["discord"]): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    makeCache: Options.cacheWithLimits({
      ApplicationCommandManager: 0,
      ApplicationEmojiManager: 0,
      AutoModerationRuleManager: 0,
      BaseGuildEmojiManager: 0,
      DMMessageManager: 0,
      EntitlementManager: 0,
      GuildBanManager: 0,
      GuildEmojiManager: 0,
      GuildForumThreadManager: 0,
      GuildInviteManager: 0,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      GuildMessageManager: 0,
      GuildScheduledEventManager: 0,
      GuildStickerManager: 0,
      GuildTextThreadManager: 0,
      MessageManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      StageInstanceManager: 0,
      ThreadManager: 0,
      ThreadMemberManager: 0,
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
      VoiceStateManager: 0,
    }),
    allowedMentions: { parse: [] },
    // SHARD_COUNT/SHARD_IDS: this process runs those shards of that many; unset: Discord's recommendation.
    ...(discord.shards ? { shards: discord.shards.ids, shardCount: discord.shards.count } : { shards: "auto" as const }),
    // A long rate limit on one channel's posts is waited out by that channel's delivery, not in the shared REST queue.
    rest: { ...(discord.apiUrl ? { api: discord.apiUrl } : {}), rejectOnRateLimit: rejectLongChannelRateLimits },
  });
}

/** The gateway is usable: logged in and every shard of this process ready. */
export function gatewayReady(client: Client): boolean {
  return client.isReady() && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
}
