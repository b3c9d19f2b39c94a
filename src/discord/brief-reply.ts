import type { ChatInputCommandInteraction, MessageContextMenuCommandInteraction } from "discord.js";
import type { CommandContext } from "../../commands/types.ts";
import { isIP } from "node:net";
import { checkAddress } from "../adapters/fetch/address-policy.ts";
import { canonicalizeUrl, connectHost, parseUserUrl } from "../adapters/fetch/url.ts";
import { UserFacingError } from "../core/errors.ts";
import { renderBriefEmbeds } from "./render-brief.ts";

type BriefInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/**
 * Checks a user's link before the reply is deferred, so input errors are answered privately at
 * once: malformed or non-http links, credentials, and literal IP addresses the fetcher would
 * refuse anyway, and localhost names (other host names are checked by the fetcher at connect time).
 */
export function checkUserLink(raw: string, ctx: CommandContext): URL {
  const url = parseUserUrl(raw);
  const host = connectHost(url);
  // "localhost" names always resolve to loopback (RFC 6761): refuse them before deferring too.
  const literal = isIP(host) !== 0 ? host : /(^|\.)localhost\.?$/i.test(host) ? "127.0.0.1" : undefined;
  if (literal !== undefined) {
    const verdict = checkAddress(literal, ctx.app.config.fetch.allowPrivate);
    if (!verdict.allowed) {
      throw new UserFacingError(
        "blocked_address",
        `That link (${url.host}) points to a ${verdict.reason}. marketbrief only fetches public web addresses.`,
      );
    }
  }
  return url;
}

/**
 * The shared /summarize flow after the router deferred: summarize the (already validated) link,
 * limits applied only to new LLM briefs, then replace the deferred reply with the brief.
 */
export async function replyWithBrief(interaction: BriefInteraction, ctx: CommandContext, url: URL, language: string): Promise<void> {
  const outcome = await ctx.app.summarizer.summarize(
    { kind: "url", url: url.href, canonicalUrl: canonicalizeUrl(url) },
    {
      language,
      signal: ctx.signal,
      beforeNewLlmBrief: ctx.limits.hookFor(interaction.user.id, interaction.guildId),
    },
  );
  ctx.note({
    engine: outcome.result.engine,
    cached: outcome.result.cached,
    llmRequests: outcome.llmRequests,
    language,
    ...(outcome.usage ? { tokens: outcome.usage } : {}),
  });
  await interaction.editReply({ embeds: renderBriefEmbeds(outcome.result), allowedMentions: { parse: [] } });
}
