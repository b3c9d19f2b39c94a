import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField } from "discord.js";

/**
 * Exactly what the bot needs in a channel: see it, post digests and briefs as embeds, and attach
 * files (charts). Interaction replies need no permission at all; the bot reads no message history
 * (the message a context-menu command targets arrives with the interaction).
 */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AttachFiles,
]);

export const INVITE_SCOPES = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands] as const;

/** The OAuth2 link that adds the bot to a server with those permissions and its slash commands. */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: INVITE_SCOPES.join(" "),
    permissions: BOT_PERMISSIONS.bitfield.toString(),
    integration_type: "0",
  });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}
