import type { Store } from "./store.ts";

/**
 * Work done once across the processes sharing one store (several bot processes on one
 * PostgreSQL): the first caller of a key takes its turn (an atomic counter increment) and does
 * the work; the others wait until it has finished (a marker in the store's cache), then do the
 * work themselves, which by then is a cache hit (a stored brief, a stored synthesis). A process
 * that dies holding a turn is waited out for at most `waitMs`; then the work is repeated.
 *
 * Within one process callers are already coalesced; this is only the cross-process layer.
 */
export interface SharedWork {
  once<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export interface SharedWorkOptions {
  /** Longest wait for another process's turn (default 3 min: a brief's model requests and fetches). */
  waitMs?: number;
  /** Store polls while waiting (default 250 ms). */
  pollMs?: number;
}

const TURN_COUNTER = "shared-work";
const DONE_KIND = "shared-work-done";

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export function createSharedWork(store: Store, options: SharedWorkOptions = {}): SharedWork {
  const waitMs = options.waitMs ?? 3 * 60_000;
  const pollMs = options.pollMs ?? 250;
  return {
    async once(key, work, signal) {
      const turn = await store.incrementCounter(TURN_COUNTER, key, 1);
      if (turn === 1) {
        try {
          return await work();
        } finally {
          await store.putCached(DONE_KIND, key, "1").catch(() => {});
        }
      }
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline && (await store.getCached(DONE_KIND, key)) === undefined) await sleep(pollMs, signal);
      return work();
    },
  };
}

/** In a single process (SQLite) there is nobody to share with. */
export const unshared: SharedWork = { once: (_key, work) => work() };
