import type { DigestSchedule } from "../core/store.ts";
import type { GuildStatus } from "../core/guild-status.ts";
import { escapeMarkdown } from "./escape.ts";
import { translator, type Translator } from "./i18n.ts";

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

function scheduleText(schedule: DigestSchedule, t: Translator): string {
  return t.t(schedule.weekdaysOnly ? "schedule.weekdays" : "schedule.daily", { time: schedule.time, zone: schedule.timeZone });
}

function budgetText(used: number, limit: number, t: Translator): string {
  if (limit <= 0) return t.t("status.budget.unlimited", { used });
  return t.t("status.budget", { used: Math.min(used, limit), limit, left: Math.max(0, limit - used) });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The /status answer in the reader's language: plain lines, everything from the store escaped, within one message. */
export function renderStatus(header: StatusHeader, status: GuildStatus, t: Translator = translator("en")): string {
  const head = [
    `**marketbrief ${escapeMarkdown(header.version, 40)}**${header.shards ? ` · ${header.shards}` : ""}`,
    header.engine === "llm" ? t.t("status.engine.llm", { model: escapeMarkdown(header.model ?? "?", 100) }) : t.t("status.engine.extractive"),
    budgetText(status.budget.used, status.budget.limit, t),
  ];
  const blocks: string[] = [];
  if (status.channels.length === 0) blocks.push(t.t("status.noChannels"));
  for (const channel of status.channels) {
    const lines = [`<#${channel.channelId}>: ${channel.tickers.length > 0 ? channel.tickers.map((s) => escapeMarkdown(s, 30)).join(", ") : t.t("status.noTickers")}`];
    if (channel.schedule) {
      const schedule = scheduleText(channel.schedule, t);
      lines.push(`  ${channel.language ? t.t("status.digestIn", { schedule, language: escapeMarkdown(channel.language, 10) }) : t.t("status.digest", { schedule })}`);
    } else {
      lines.push(`  ${t.t("status.noDigest")}`);
    }
    if (channel.lastDigestAt) lines.push(`  ${t.t("status.lastDelivered", { time: stamp(channel.lastDigestAt) })}`);
    else if (channel.schedule) lines.push(`  ${t.t("status.nothingDelivered")}`);
    if (channel.pausedReason !== undefined) {
      const paused = channel.pausedAt ? t.t("status.pausedSince", { time: stamp(channel.pausedAt) }) : t.t("status.paused");
      lines.push(`  ⏸️ ${paused}: ${escapeMarkdown(channel.pausedReason, 200)}`);
    }
    blocks.push(lines.join("\n"));
  }
  if (status.failingFeeds.length > 0) {
    const feeds = status.failingFeeds.map((feed) => {
      const parts = [
        t.t("status.feedFailures", { count: feed.failures }),
        ...(feed.failingSince ? [t.t("status.failingSince", { time: relative(feed.failingSince) })] : []),
        feed.lastSuccessAt ? t.t("status.lastGoodRead", { time: relative(feed.lastSuccessAt) }) : t.t("status.neverRead"),
      ];
      const tickers = feed.tickers.map((s) => escapeMarkdown(s, 30)).join(", ");
      return `• \`${escapeMarkdown(hostOf(feed.url), 80)}\` ${t.t("status.feedFor", { tickers })}: ${parts.join(", ")}${feed.lastError ? ` (${escapeMarkdown(feed.lastError, 120)})` : ""}`;
    });
    blocks.push([`**${t.t("status.failingFeeds")}**`, ...feeds].join("\n"));
  } else if (status.channels.some((c) => c.tickers.length > 0)) {
    blocks.push(t.t("status.feedsOk"));
  }
  let text = head.join("\n");
  for (const [i, block] of blocks.entries()) {
    const rest = blocks.length - i;
    const more = `\n${t.t("status.more", { count: rest })}`;
    if (text.length + 2 + block.length + (rest > 1 ? more.length : 0) > CONTENT_MAX) {
      text += more;
      break;
    }
    text += `\n\n${block}`;
  }
  return text;
}
