/** Bounded concurrency for the digest's reads: per host, per feed, per model, or for a list of items. */

export interface KeyedLimiterOptions {
  /** Tasks running at once per key. */
  concurrency: number;
  /** Least time between the starts of two tasks of one key (default 0). */
  minIntervalMs?: number;
}

/** Runs tasks with a concurrency limit and a start interval per key (a host, or "*" for all). */
export interface KeyedLimiter {
  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

interface KeyState {
  active: number;
  nextStartMs: number;
  queue: Array<{ start: () => void; cancel: (reason: unknown) => void }>;
  timer?: NodeJS.Timeout;
}

export function createKeyedLimiter(options: KeyedLimiterOptions): KeyedLimiter {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const interval = Math.max(0, options.minIntervalMs ?? 0);
  const keys = new Map<string, KeyState>();

  function pump(key: string, state: KeyState): void {
    while (state.active < concurrency && state.queue.length > 0) {
      const wait = state.nextStartMs - Date.now();
      if (interval > 0 && wait > 0) {
        state.timer ??= setTimeout(() => {
          delete state.timer;
          pump(key, state);
        }, wait);
        return;
      }
      const next = state.queue.shift();
      if (next === undefined) break;
      state.active += 1;
      state.nextStartMs = Date.now() + interval;
      next.start();
    }
    if (state.active === 0 && state.queue.length === 0 && state.timer === undefined && Date.now() >= state.nextStartMs) {
      keys.delete(key);
    }
  }

  return {
    async run(key, task, signal) {
      signal?.throwIfAborted();
      let state = keys.get(key);
      if (state === undefined) {
        state = { active: 0, nextStartMs: 0, queue: [] };
        keys.set(key, state);
      }
      const current = state;
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          start: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
          cancel: reject,
        };
        const onAbort = () => {
          const index = current.queue.indexOf(waiter);
          if (index >= 0) current.queue.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        current.queue.push(waiter);
        pump(key, current);
      });
      try {
        return await task();
      } finally {
        current.active -= 1;
        pump(key, current);
      }
    },
  };
}

/**
 * Runs `fn` for every item, at most `limit` at once. The first failure stops items not yet
 * started and is what the returned promise rejects with.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  const pool = createKeyedLimiter({ concurrency: limit });
  const stop = new AbortController();
  let failure: { err: unknown } | undefined;
  await Promise.all(
    items.map((item, index) =>
      pool.run("*", () => fn(item, index), stop.signal).catch((err: unknown) => {
        if (failure === undefined) {
          failure = { err };
          stop.abort(err);
        }
      }),
    ),
  );
  if (failure !== undefined) throw failure.err;
}
