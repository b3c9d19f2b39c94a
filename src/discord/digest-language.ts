import { isOfferedLanguage, languageForLocale } from "./locale.ts";

/** A channel's digest language: the one chosen for it, else the server's preferred locale when offered, else English. */
export function channelDigestLanguage(stored: string | undefined, guildLocale: string | null | undefined): string {
  if (stored !== undefined && isOfferedLanguage(stored)) return stored;
  return languageForLocale(guildLocale) ?? "en";
}

/** Public `/digest now` posts per channel: at most one per cooldown; others are answered privately. */
export function createPostCooldown(now: () => number = Date.now) {
  const last = new Map<string, number>();
  return {
    /** The instant of the previous public post when it is within the cooldown, else undefined (and the post is recorded). */
    take(channelId: string, cooldownMs: number): number | undefined {
      const at = now();
      const previous = last.get(channelId);
      if (previous !== undefined && at - previous < cooldownMs) return previous;
      last.set(channelId, at);
      for (const [id, when] of last) if (at - when >= cooldownMs) last.delete(id);
      return undefined;
    },
  };
}
