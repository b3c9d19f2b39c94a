// INTERACTION_CREATE payloads shaped like Discord's, built against the commands the bot registered
// (Discord's client only lets users invoke registered commands with their declared options).
import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, InteractionContextType, InteractionType } from "discord.js";
import type { APIApplicationCommand, APIEmbed, APIInteraction, APIMessage, APIUser, Locale, MessageFlags } from "discord.js";
import { apiChannel, apiMember, apiUser, botPermissionsIn, computePermissions, DEFAULT_EVERYONE_PERMISSIONS, randomToken, snowflake } from "./model.ts";
import type { EmulatorState } from "./state.ts";

export type OptionValue = string | number | boolean;

export interface InvocationSpec {
  /** Default: the first configured guild. `null`: the user's DM with the bot. */
  guildId?: string | null;
  /** Default: the guild's first text channel. */
  channelId?: string;
  /** The invoking user. Default id 100000000000000001, username "tester". */
  user?: { id?: string; username?: string; globalName?: string };
  /** member.permissions (in the channel). Default: computed from @everyone, memberRoles and overwrites. */
  memberPermissions?: bigint;
  memberRoles?: string[];
  /** The user's client locale. Default "en-US". */
  locale?: `${Locale}`;
  /** Per-interaction override of the 3 s acknowledgement window. */
  ackWindowMs?: number;
}

export interface SlashCommandSpec extends InvocationSpec {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** Option values by name; types come from the registered definition. */
  options?: Record<string, OptionValue>;
}

export interface AutocompleteSpec extends SlashCommandSpec {
  /** The option being typed (must be declared with autocomplete: true); its value is sent as a string. */
  focused: string;
}

export interface TargetMessageSpec {
  id?: string;
  content?: string;
  embeds?: APIEmbed[];
  author?: { id?: string; username?: string; bot?: boolean };
}

export interface MessageCommandSpec extends InvocationSpec {
  name: string;
  /** A message the bot recorded (its id), or a message by someone else. */
  targetMessage: string | TargetMessageSpec;
}

interface OptionDef {
  type: ApplicationCommandOptionType;
  name: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: OptionDef[];
}
interface DataOption {
  name: string;
  type: ApplicationCommandOptionType;
  value?: OptionValue;
  focused?: boolean;
  options?: DataOption[];
}

export const DEFAULT_USER_ID = "100000000000000001";
const isId = (v: OptionValue) => typeof v === "string" && /^\d{17,20}$/.test(v);
const VALUE_CHECKS: Partial<Record<ApplicationCommandOptionType, (v: OptionValue) => boolean>> = {
  [ApplicationCommandOptionType.String]: (v) => typeof v === "string",
  [ApplicationCommandOptionType.Integer]: (v) => Number.isInteger(v),
  [ApplicationCommandOptionType.Number]: (v) => typeof v === "number" && Number.isFinite(v),
  [ApplicationCommandOptionType.Boolean]: (v) => typeof v === "boolean",
  [ApplicationCommandOptionType.User]: isId,
  [ApplicationCommandOptionType.Channel]: isId,
};
const TEXT_TYPES: readonly ChannelType[] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];

function findCommand(state: EmulatorState, name: string, type: ApplicationCommandType, guildId: string | null): APIApplicationCommand {
  const candidates = state.commands.filter((c) => c.name === name && c.type === type);
  const command = candidates.find((c) => guildId !== null && c.guild_id === guildId) ?? candidates.find((c) => c.guild_id === undefined);
  if (!command) throw new Error(`discord-emulator: command "${name}" (type ${type}) is not registered for ${guildId ?? "DMs"}; deploy it first`);
  return command;
}

function leafOptions(emulator: EmulatorState, command: APIApplicationCommand, spec: SlashCommandSpec, focused: string | undefined) {
  let defs = (command.options ?? []) as OptionDef[];
  const path: Array<{ name: string; type: ApplicationCommandOptionType }> = [];
  for (const [type, wanted] of [
    [ApplicationCommandOptionType.SubcommandGroup, spec.subcommandGroup],
    [ApplicationCommandOptionType.Subcommand, spec.subcommand],
  ] as const) {
    const hasLevel = defs.some((d) => d.type === type);
    if (wanted === undefined && !hasLevel) continue;
    const level = defs.find((d) => d.type === type && d.name === wanted);
    const kind = type === ApplicationCommandOptionType.Subcommand ? "subcommand" : "subcommand group";
    if (!level) throw new Error(`discord-emulator: /${command.name} ${wanted === undefined ? `needs a ${kind}` : `has no ${kind} "${wanted}"`}`);
    path.push({ name: level.name, type });
    defs = level.options ?? [];
  }
  const resolved: { users?: Record<string, APIUser>; channels?: Record<string, unknown> } = {};
  const leaf: DataOption[] = Object.entries(spec.options ?? {}).map(([name, value]) => {
    const def = defs.find((d) => d.name === name);
    if (!def) throw new Error(`discord-emulator: /${command.name} has no option "${name}"`);
    if (name === focused) {
      if (!def.autocomplete) throw new Error(`discord-emulator: option "${name}" of /${command.name} has no autocomplete`);
      return { name, type: def.type, value: String(value), focused: true };
    }
    if (!VALUE_CHECKS[def.type]?.(value)) throw new Error(`discord-emulator: ${JSON.stringify(value)} does not fit option "${name}" (type ${def.type})`);
    if (def.choices && !def.choices.some((c) => c.value === value)) throw new Error(`discord-emulator: ${String(value)} is not a choice of "${name}"`);
    if (def.type === ApplicationCommandOptionType.User) (resolved.users ??= {})[String(value)] = apiUser(String(value), `user-${String(value)}`);
    if (def.type === ApplicationCommandOptionType.Channel) {
      const channel = emulator.channels.get(String(value));
      if (!channel) throw new Error(`discord-emulator: unknown channel ${String(value)} for option "${name}"`);
      (resolved.channels ??= {})[channel.id] = { id: channel.id, name: channel.name, type: channel.type, permissions: "0" };
    }
    return { name, type: def.type, value };
  });
  if (focused === undefined)
    for (const def of defs)
      if (def.required && !(def.name in (spec.options ?? {}))) throw new Error(`discord-emulator: /${command.name} requires option "${def.name}"`);
  const options = path.reduceRight<DataOption[]>((inner, level) => [{ ...level, options: inner }], leaf);
  return { options, resolved };
}

/** The common interaction envelope (guild or DM). */
function envelope(emulator: EmulatorState, spec: InvocationSpec, type: InteractionType, data: unknown): { payload: APIInteraction; user: APIUser } {
  const user = apiUser(spec.user?.id ?? DEFAULT_USER_ID, spec.user?.username ?? "tester", { global_name: spec.user?.globalName ?? null });
  const common = {
    id: snowflake(),
    application_id: emulator.applicationId,
    type,
    data,
    token: randomToken(),
    version: 1,
    locale: (spec.locale ?? "en-US") as Locale,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (spec.guildId === null) {
    const dm = { id: snowflake(), type: ChannelType.DM, flags: 0, last_message_id: null, recipients: [user] };
    const payload = {
      ...common,
      channel: dm,
      channel_id: dm.id,
      user,
      app_permissions: String(DEFAULT_EVERYONE_PERMISSIONS),
      authorizing_integration_owners: { 0: "0" },
      context: InteractionContextType.BotDM,
    };
    return { payload: payload as unknown as APIInteraction, user };
  }
  const guild = emulator.guilds.find((g) => g.id === (spec.guildId ?? emulator.guilds[0]?.id));
  if (!guild) throw new Error(`discord-emulator: unknown guild ${String(spec.guildId)}`);
  const channel = spec.channelId ? emulator.channels.get(spec.channelId) : guild.channels.find((c) => TEXT_TYPES.includes(c.type));
  if (!channel || channel.guildId !== guild.id) throw new Error(`discord-emulator: no channel ${spec.channelId ?? "(text)"} in guild ${guild.id}`);
  const roles = spec.memberRoles ?? [];
  const permissions = spec.memberPermissions ?? computePermissions(guild, channel, user.id, roles);
  const payload = {
    ...common,
    guild_id: guild.id,
    guild: { id: guild.id, locale: guild.locale, features: [] },
    guild_locale: guild.locale,
    channel: apiChannel(channel),
    channel_id: channel.id,
    member: { ...apiMember(user, roles, new Date(Date.now() - 86_400_000).toISOString()), permissions: String(permissions) },
    app_permissions: String(botPermissionsIn(guild, channel, emulator.bot.id)),
    authorizing_integration_owners: { 0: guild.id },
    context: InteractionContextType.Guild,
  };
  return { payload: payload as unknown as APIInteraction, user };
}

const guildOf = (emulator: EmulatorState, spec: InvocationSpec): string | null =>
  spec.guildId === undefined ? (emulator.guilds[0]?.id ?? null) : spec.guildId;

export function slashCommandPayload(emulator: EmulatorState, spec: SlashCommandSpec, focused?: string) {
  const command = findCommand(emulator, spec.name, ApplicationCommandType.ChatInput, guildOf(emulator, spec));
  const { options, resolved } = leafOptions(emulator, command, spec, focused);
  const data = {
    id: command.id,
    name: command.name,
    type: ApplicationCommandType.ChatInput,
    options,
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    ...(command.guild_id === undefined ? {} : { guild_id: command.guild_id }),
    ...(focused === undefined ? {} : { version: command.version }),
  };
  const type = focused === undefined ? InteractionType.ApplicationCommand : InteractionType.ApplicationCommandAutocomplete;
  return envelope(emulator, spec, type, data);
}

export function messageCommandPayload(emulator: EmulatorState, spec: MessageCommandSpec, recorded: (id: string) => APIMessage | undefined) {
  const command = findCommand(emulator, spec.name, ApplicationCommandType.Message, guildOf(emulator, spec));
  const built = envelope(emulator, spec, InteractionType.ApplicationCommand, undefined);
  const channelId = built.payload.channel?.id ?? "";
  let target: APIMessage;
  if (typeof spec.targetMessage === "string") {
    const found = recorded(spec.targetMessage);
    if (!found) throw new Error(`discord-emulator: no recorded message ${spec.targetMessage}`);
    target = found;
  } else {
    const t = spec.targetMessage;
    const author = apiUser(t.author?.id ?? "100000000000000002", t.author?.username ?? "newsposter", t.author?.bot ? { bot: true } : {});
    target = {
      id: t.id ?? snowflake(),
      channel_id: channelId,
      author,
      content: t.content ?? "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: t.embeds ?? [],
      pinned: false,
      type: 0,
      flags: 0 as MessageFlags,
      components: [],
    };
  }
  const data = {
    id: command.id,
    name: command.name,
    type: ApplicationCommandType.Message,
    target_id: target.id,
    resolved: { messages: { [target.id]: target } },
    ...(command.guild_id === undefined ? {} : { guild_id: command.guild_id }),
  };
  return { payload: { ...built.payload, data } as APIInteraction, user: built.user };
}
