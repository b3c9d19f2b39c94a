import { MessageFlags, type RepliableInteraction } from "discord.js";

/**
 * Shows `content` to the user alone: as an ephemeral reply when nothing was sent yet, in place of
 * a private deferred reply, or, after a public deferral (`publicDeferral`), by removing the public
 * "thinking…" message and following up privately, so a private answer never lands in the channel.
 * `content` is sent as it is (escape model or user text first); nothing in it can ping.
 */
export async function replyPrivately(interaction: RepliableInteraction, content: string, publicDeferral = false): Promise<void> {
  const answered = interaction.deferred || interaction.replied;
  if (answered && publicDeferral) {
    await interaction.deleteReply().catch(() => {});
    await interaction.followUp({ content, allowedMentions: { parse: [] }, flags: MessageFlags.Ephemeral });
  } else if (answered) {
    await interaction.editReply({ content, embeds: [], allowedMentions: { parse: [] } });
  } else {
    await interaction.reply({ content, allowedMentions: { parse: [] }, flags: MessageFlags.Ephemeral });
  }
}
