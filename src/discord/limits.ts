import { UserFacingError } from "../core/errors.ts";
import type { Store } from "../core/store.ts";

export interface LimitsConfig {
  /** Seconds a user waits between two NEW LLM briefs; 0 disables the cooldown. */
  cooldownS: number;
  /** New LLM briefs per guild per UTC day; 0 means no limit. */
  guildDailyBriefs: number;
  /** Seconds between two public /digest now posts in one channel; 0 disables the cooldown. */
  digestPostCooldownS: number;
}

export interface BriefLimits {
  /** New model requests a guild may make per UTC day (0: no limit). */
  readonly guildDailyBriefs: number;
  /**
   * The Summarizer's `beforeNewLlmBrief` hook for one request: only uncached LLM briefs reach
   * it, so cached briefs are free and never limited. Throws UserFacingError when a limit is hit.
   */
  hookFor(userId: string, guildId: string | null): () => Promise<void>;
  /**
   * The digest builder's `beforeNewLlmCall` hook for one guild: the same daily budget, without
   * the per-user cooldown (one digest makes several model requests at once).
   */
  digestHookFor(guildId: string): () => Promise<void>;
  /**
   * Takes the channel's public /digest now post: the instant of the previous one when it is still
   * within the cooldown (the caller answers privately instead), else undefined (and records this one).
   */
  takePublicDigestPost(channelId: string): number | undefined;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function guildBudgetCounter(guildId: string): string {
  return `guild-llm-briefs:${guildId}`;
}

const briefBudgetExhausted = (limit: number) =>
  `This server has used its ${limit} new briefs for today; cached briefs still work. The budget resets at 00:00 UTC.`;
const digestBudgetExhausted = (limit: number) =>
  `This server has used its ${limit} new model requests for today, so the digest cannot be written now; tickers already summarized today still work. The budget resets at 00:00 UTC.`;

export function createBriefLimits(store: Store, config: LimitsConfig, now: () => number = Date.now): BriefLimits {
  const lastNewBrief = new Map<string, number>();
  const lastPublicDigest = new Map<string, number>();
  const digestCooldownMs = config.digestPostCooldownS * 1000;
  const cooldownMs = config.cooldownS * 1000;

  function prune(at: number): void {
    if (lastNewBrief.size < 1000) return;
    for (const [user, t] of lastNewBrief) if (at - t >= cooldownMs) lastNewBrief.delete(user);
  }

  function checkCooldown(userId: string, at: number): void {
    if (cooldownMs <= 0) return;
    const last = lastNewBrief.get(userId);
    if (last === undefined || at - last >= cooldownMs) return;
    const waitS = Math.max(1, Math.ceil((cooldownMs - (at - last)) / 1000));
    throw new UserFacingError("rate_limited", `You can summarize another new article in ${waitS} s.`, { key: "error.cooldown", params: { seconds: waitS } });
  }

  /** Takes one request from the guild's budget of the day, or throws `exhausted(limit)`. */
  async function spendGuildBudget(guildId: string, at: number, exhausted: (limit: number) => string, key: string): Promise<void> {
    const limit = config.guildDailyBriefs;
    if (limit <= 0) return;
    const name = guildBudgetCounter(guildId);
    const day = utcDay(at);
    // Increment first so concurrent requests cannot both take the last one.
    const used = await store.incrementCounter(name, day, 1);
    if (used > limit) {
      await store.incrementCounter(name, day, -1);
      throw new UserFacingError("budget_exhausted", exhausted(limit), { key, params: { limit } });
    }
  }

  return {
    guildDailyBriefs: config.guildDailyBriefs,
    hookFor(userId, guildId) {
      return async () => {
        const at = now();
        checkCooldown(userId, at);
        if (guildId !== null) await spendGuildBudget(guildId, at, briefBudgetExhausted, "error.briefBudget");
        if (cooldownMs > 0) {
          prune(at);
          lastNewBrief.set(userId, at);
        }
      };
    },
    digestHookFor(guildId) {
      return () => spendGuildBudget(guildId, now(), digestBudgetExhausted, "error.digestBudget");
    },
    takePublicDigestPost(channelId) {
      const at = now();
      const previous = lastPublicDigest.get(channelId);
      if (previous !== undefined && at - previous < digestCooldownMs) return previous;
      lastPublicDigest.set(channelId, at);
      for (const [id, when] of lastPublicDigest) if (at - when >= digestCooldownMs) lastPublicDigest.delete(id);
      return undefined;
    },
  };
}
