import type { ChannelState, DigestSchedule, FeedState, Store } from "./store.ts";

/** What /status shows a server's managers: facts gathered from the store, rendered elsewhere. */
export interface ChannelStatus {
  channelId: string;
  tickers: string[];
  schedule?: DigestSchedule;
  /** The digest language, when the channel has one of its own. */
  language?: string;
  lastDigestAt?: string;
  lastDeliveredSlot?: string;
  pausedReason?: string;
  pausedAt?: string;
}

export interface FailingFeed {
  url: string;
  /** Tickers of this server that read the feed. */
  tickers: string[];
  failures: number;
  /** The first failure of the current run (ISO); undefined when not recorded. */
  failingSince?: string;
  /** Last good read (ISO); undefined when it never succeeded. */
  lastSuccessAt?: string;
  /** When the next attempt is due (ISO). */
  nextAttemptAt?: string;
  lastError?: string;
}

export interface GuildStatus {
  channels: ChannelStatus[];
  failingFeeds: FailingFeed[];
  budget: { used: number; limit: number };
}

export interface GuildStatusDeps {
  store: Store;
  /** The feed URLs read for a ticker. */
  feedUrlsFor(symbol: string): readonly string[];
  /** The counter of today's model requests for the guild: [name, period]. */
  budgetCounter: readonly [string, string];
  budgetLimit: number;
}

function channelStatus(state: ChannelState, tickers: string[], lastDeliveredSlot: string | undefined): ChannelStatus {
  const status: ChannelStatus = { channelId: state.channelId, tickers };
  if (state.schedule !== undefined) status.schedule = state.schedule;
  if (state.language !== undefined) status.language = state.language;
  if (state.lastDigestAt !== undefined) status.lastDigestAt = state.lastDigestAt;
  if (lastDeliveredSlot !== undefined) status.lastDeliveredSlot = lastDeliveredSlot;
  if (state.pausedReason !== undefined) status.pausedReason = state.pausedReason;
  if (state.pausedAt !== undefined) status.pausedAt = state.pausedAt;
  return status;
}

/**
 * Every channel of the guild the store knows (tickers or a digest, paused or not), by channel
 * id; the feeds their tickers read that are failing; and the guild's model budget for today.
 */
export async function gatherGuildStatus(deps: GuildStatusDeps, guildId: string): Promise<GuildStatus> {
  const { store } = deps;
  const channels: ChannelStatus[] = [];
  for (const { symbols, ...state } of await store.listGuildChannels(guildId)) {
    const lastSlot = state.schedule !== undefined ? await store.lastDeliveredSlot(state.channelId) : undefined;
    channels.push(channelStatus(state, symbols, lastSlot));
  }

  const readers = new Map<string, Set<string>>();
  for (const symbol of new Set(channels.flatMap((c) => c.tickers))) {
    for (const url of await deps.feedUrlsFor(symbol)) readers.set(url, (readers.get(url) ?? new Set()).add(symbol));
  }
  const failingFeeds: FailingFeed[] = [];
  for (const [url, tickers] of readers) {
    const state: FeedState | undefined = await store.getFeedState(url);
    if (state === undefined || state.failures === 0) continue;
    failingFeeds.push({
      url,
      tickers: [...tickers],
      failures: state.failures,
      ...(state.failingSince !== undefined ? { failingSince: state.failingSince } : {}),
      ...(state.lastFetchedAt !== undefined ? { lastSuccessAt: state.lastFetchedAt } : {}),
      ...(state.nextAttemptAt !== undefined ? { nextAttemptAt: state.nextAttemptAt } : {}),
      ...(state.lastError !== undefined ? { lastError: state.lastError } : {}),
    });
  }
  failingFeeds.sort((a, b) => b.failures - a.failures);

  const [name, period] = deps.budgetCounter;
  const used = await store.getCounter(name, period);
  return { channels, failingFeeds, budget: { used, limit: deps.budgetLimit } };
}
