import { PermissionFlagsBits, type ChatInputCommandInteraction } from "discord.js";
import type { MessageKey, Translator } from "./i18n.ts";

/** What the bot needs in a channel to post a digest, with Discord's names of the permissions. */
export const POSTING_PERMISSIONS = [
  { flag: PermissionFlagsBits.ViewChannel, name: "View Channel", key: "perm.viewChannel" },
  { flag: PermissionFlagsBits.SendMessages, name: "Send Messages", key: "perm.sendMessages" },
  { flag: PermissionFlagsBits.EmbedLinks, name: "Embed Links", key: "perm.embedLinks" },
] as const satisfies ReadonlyArray<{ flag: bigint; name: string; key: MessageKey }>;

export type PostingPermission = (typeof POSTING_PERMISSIONS)[number];

/** The posting permissions the bot lacks in the interaction's channel (interaction.appPermissions). */
export function missingPostingPermissionsOf(interaction: Pick<ChatInputCommandInteraction, "appPermissions">): PostingPermission[] {
  return POSTING_PERMISSIONS.filter((p) => !interaction.appPermissions.has(p.flag));
}

/** "View Channel and Embed Links" / "Kanal ansehen und Links einbetten". */
export function permissionNames(missing: readonly PostingPermission[], tr: Translator): string {
  return tr.list(missing.map((p) => tr.t(p.key)));
}
