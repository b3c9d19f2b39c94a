import type { DigestSchedule } from "../core/store.ts";
import type { GuildStatus } from "../core/guild-status.ts";
import { escapeMarkdown } from "./escape.ts";

export interface StatusHeader {
  /** "LLM" or "extractive". */
  engine: string;
  model?: string;
  version: string;
  /** "shards 0, 1 of 4" etc.; absent when the process runs every shard. */
  shards?: string;
}

const CONTENT_MAX = 2000;
const stamp = (iso: string) => `<t:${Math.floor(Date.parse(iso) / 1000)}:f>`;
const relative = (iso: string) => `<t:${Math.floor(Date.parse(iso) / 1000)}:R>`;

function scheduleText(schedule: DigestSchedule): string {
  return `${schedule.time} ${schedule.timeZone}, ${schedule.weekdaysOnly ? "Monday to Friday" : "every day"}`;
}

function budgetText(used: number, limit: number): string {
  if (limit <= 0) return `${used} new model requests today (no daily limit)`;
  return `${Math.min(used, limit)} of ${limit} new model requests used today, ${Math.max(0, limit - used)} left (resets 00:00 UTC)`;
}

/** The /status answer: plain lines, everything from the store escaped, within one message. */
export function renderStatus(header: StatusHeader, status: GuildStatus): string {
  const head = [
    `**marketbrief ${escapeMarkdown(header.version, 40)}**${header.shards ? ` · ${header.shards}` : ""}`,
    `Engine: ${header.engine === "llm" ? `LLM, model ${escapeMarkdown(header.model ?? "?", 100)}` : "extractive (no model configured)"}`,
    `Budget: ${budgetText(status.budget.used, status.budget.limit)}`,
  ];
  const blocks: string[] = [];
  if (status.channels.length === 0) {
    blocks.push("No channel here has tickers or a digest yet: use /watch add and /digest schedule in a channel.");
  }
  for (const channel of status.channels) {
    const lines = [`<#${channel.channelId}>: ${channel.tickers.length > 0 ? channel.tickers.map((t) => escapeMarkdown(t, 30)).join(", ") : "no tickers"}`];
    lines.push(channel.schedule ? `  digest ${scheduleText(channel.schedule)}${channel.language ? `, in ${escapeMarkdown(channel.language, 10)}` : ""}` : "  no scheduled digest");
    if (channel.lastDigestAt) lines.push(`  last delivered ${stamp(channel.lastDigestAt)}`);
    else if (channel.schedule) lines.push("  nothing delivered yet");
    if (channel.pausedReason !== undefined) {
      lines.push(`  ⏸️ paused${channel.pausedAt ? ` since ${stamp(channel.pausedAt)}` : ""}: ${escapeMarkdown(channel.pausedReason, 200)}`);
    }
    blocks.push(lines.join("\n"));
  }
  if (status.failingFeeds.length > 0) {
    const feeds = status.failingFeeds.map((feed) => {
      const since = feed.lastSuccessAt ? `last good read ${relative(feed.lastSuccessAt)}` : "never read successfully";
      const host = (() => {
        try {
          return new URL(feed.url).host;
        } catch {
          return feed.url;
        }
      })();
      return `• \`${escapeMarkdown(host, 80)}\` for ${feed.tickers.map((t) => escapeMarkdown(t, 30)).join(", ")}: failed ${feed.failures}× in a row, ${since}${feed.lastError ? ` (${escapeMarkdown(feed.lastError, 120)})` : ""}`;
    });
    blocks.push(["**Failing feeds**", ...feeds].join("\n"));
  } else if (status.channels.some((c) => c.tickers.length > 0)) {
    blocks.push("Feeds: all reading normally.");
  }
  let text = head.join("\n");
  for (const [i, block] of blocks.entries()) {
    const rest = blocks.length - i;
    const more = `\n… and ${rest} more (not shown)`;
    if (text.length + 2 + block.length + (rest > 1 ? more.length : 0) > CONTENT_MAX) {
      text += more;
      break;
    }
    text += `\n\n${block}`;
  }
  return text;
}
