// The emulated world (guilds, channels, roles, users) and Discord-shaped JSON built from it.
import { randomBytes } from "node:crypto";
import { ChannelType, PermissionFlagsBits } from "discord.js";
import type { APIChannel, APIGuildMember, APIRole, APIUser, GuildMemberFlags, RoleFlags } from "discord.js";

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A real snowflake: timestamp since the Discord epoch, so discord.js's createdTimestamp is right. */
export function snowflake(at = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | increment).toString();
}

/** A guild snowflake whose events go to `shard` of `shards` ((id >> 22) % shards), as Discord routes them. */
export function guildIdOnShard(shard: number, shards: number, at = Date.now()): string {
  const ms = BigInt(at) - DISCORD_EPOCH;
  const aligned = ms - (ms % BigInt(shards)) + BigInt(shard);
  return snowflake(Number(aligned + DISCORD_EPOCH));
}

export const randomToken = (bytes = 48): string => randomBytes(bytes).toString("base64url");

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What @everyone may do in a fresh guild, give or take (enough for a bot to post embeds). */
const EVERYONE_CAN = ["ViewChannel", "SendMessages", "SendMessagesInThreads", "CreatePublicThreads", "EmbedLinks", "AttachFiles",
  "AddReactions", "UseExternalEmojis", "ReadMessageHistory", "UseApplicationCommands", "ChangeNickname", "Connect", "Speak"] as const;
export const DEFAULT_EVERYONE_PERMISSIONS = EVERYONE_CAN.reduce((all, name) => all | PermissionFlagsBits[name], 0n);

export interface OverwriteConfig {
  /** Role id (type 0; the guild id is @everyone) or member id (type 1). */
  id: string;
  type: 0 | 1;
  allow?: bigint;
  deny?: bigint;
}
export interface ChannelConfig {
  id: string;
  name: string;
  /** Default GuildText. */
  type?: ChannelType;
  parentId?: string;
  permissionOverwrites?: OverwriteConfig[];
}
export interface GuildConfig {
  id: string;
  name: string;
  /** Guild's preferred locale (interaction guild_locale). Default "en-US". */
  locale?: string;
  /** @everyone role permissions. Default DEFAULT_EVERYONE_PERMISSIONS. */
  everyonePermissions?: bigint;
  /** Permissions of the bot's managed role (on top of @everyone). Default none extra. */
  botPermissions?: bigint;
  channels?: ChannelConfig[];
  /** Where Discord posts system messages (and where the bot may tell the server things). Default none. */
  systemChannelId?: string;
}

export interface Channel {
  id: string;
  name: string;
  type: ChannelType;
  guildId: string;
  parentId: string | null;
  position: number;
  overwrites: Array<{ id: string; type: 0 | 1; allow: bigint; deny: bigint }>;
}
export interface Guild {
  id: string;
  name: string;
  locale: string;
  ownerId: string;
  joinedAt: string;
  everyonePermissions: bigint;
  botRoleId: string;
  botPermissions: bigint;
  channels: Channel[];
  systemChannelId: string | null;
}

export function buildGuild(config: GuildConfig, ownerId: string): Guild {
  return {
    id: config.id,
    name: config.name,
    locale: config.locale ?? "en-US",
    ownerId,
    joinedAt: new Date().toISOString(),
    everyonePermissions: config.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
    botRoleId: snowflake(),
    botPermissions: config.botPermissions ?? 0n,
    systemChannelId: config.systemChannelId ?? null,
    channels: (config.channels ?? []).map((channel, position) => ({
      id: channel.id,
      name: channel.name,
      type: channel.type ?? ChannelType.GuildText,
      guildId: config.id,
      parentId: channel.parentId ?? null,
      position,
      overwrites: (channel.permissionOverwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: o.allow ?? 0n, deny: o.deny ?? 0n })),
    })),
  };
}

/** Discord's permission algorithm: base (roles) → Administrator → @everyone, role, member overwrites. */
export function computePermissions(guild: Guild, channel: Channel | undefined, memberId: string, roleIds: readonly string[], extraRolePermissions = 0n): bigint {
  if (memberId === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = guild.everyonePermissions | extraRolePermissions;
  if (permissions & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
  if (!channel) return permissions;
  const everyone = channel.overwrites.find((o) => o.type === 0 && o.id === guild.id);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of channel.overwrites)
    if (o.type === 0 && roleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  permissions = (permissions & ~deny) | allow;
  const member = channel.overwrites.find((o) => o.type === 1 && o.id === memberId);
  if (member) permissions = (permissions & ~member.deny) | member.allow;
  return permissions;
}

export const botPermissionsIn = (guild: Guild, channel: Channel | undefined, botId: string): bigint =>
  computePermissions(guild, channel, botId, [guild.botRoleId], guild.botPermissions);

export function apiUser(id: string, username: string, extra: Partial<APIUser> = {}): APIUser {
  return { id, username, discriminator: "0", global_name: null, avatar: null, ...extra };
}

export function apiChannel(channel: Channel, withGuildId = true): APIChannel {
  return {
    id: channel.id,
    type: channel.type,
    name: channel.name,
    ...(withGuildId ? { guild_id: channel.guildId } : {}),
    position: channel.position,
    parent_id: channel.parentId,
    permission_overwrites: channel.overwrites.map((o) => ({ id: o.id, type: o.type, allow: String(o.allow), deny: String(o.deny) })),
    topic: null, nsfw: false, last_message_id: null, rate_limit_per_user: 0, flags: 0,
  } as unknown as APIChannel;
}

function apiRole(id: string, name: string, permissions: bigint, position: number, botId?: string): APIRole {
  return {
    id, name, position, permissions: String(permissions), managed: botId !== undefined, flags: 0 as RoleFlags,
    color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false, icon: null, unicode_emoji: null, mentionable: false,
    ...(botId === undefined ? {} : { tags: { bot_id: botId } }),
  };
}

export function apiMember(user: APIUser, roles: string[], joinedAt: string): APIGuildMember {
  return {
    user, roles, joined_at: joinedAt, deaf: false, mute: false, pending: false, flags: 0 as GuildMemberFlags,
    nick: null, avatar: null, banner: null, premium_since: null, communication_disabled_until: null,
  };
}

/** GUILD_CREATE data: what the bot sees when it joins (only its own member, no presences). */
export function guildCreatePayload(guild: Guild, bot: APIUser): Record<string, unknown> {
  const nulls = ["icon", "splash", "discovery_splash", "banner", "description", "afk_channel_id", "system_channel_id",
    "rules_channel_id", "public_updates_channel_id", "safety_alerts_channel_id", "vanity_url_code", "application_id"];
  return {
    ...Object.fromEntries(nulls.map((key) => [key, null])),
    system_channel_id: guild.systemChannelId,
    id: guild.id, name: guild.name, owner_id: guild.ownerId, preferred_locale: guild.locale, afk_timeout: 300,
    verification_level: 0, default_message_notifications: 1, explicit_content_filter: 0, mfa_level: 0, nsfw_level: 0,
    premium_tier: 0, premium_subscription_count: 0, premium_progress_bar_enabled: false, system_channel_flags: 0,
    features: [], emojis: [], stickers: [], threads: [], presences: [], voice_states: [], stage_instances: [],
    guild_scheduled_events: [], soundboard_sounds: [],
    roles: [apiRole(guild.id, "@everyone", guild.everyonePermissions, 0), apiRole(guild.botRoleId, bot.username, guild.botPermissions, 1, bot.id)],
    joined_at: guild.joinedAt, large: false, unavailable: false, member_count: 2,
    members: [apiMember(bot, [guild.botRoleId], guild.joinedAt)],
    channels: guild.channels.map((channel) => apiChannel(channel, false)),
  };
}
