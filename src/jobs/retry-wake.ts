/** One timer for the earliest wanted look at pending slots (a holder's lease ending, a retry's backoff). */
export interface RetryWake {
  /** Wakes in `ms` unless inactive or an earlier wake is already set. */
  wakeIn(ms: number): void;
  cancel(): void;
}

export function createRetryWake(isActive: () => boolean, onWake: () => void): RetryWake {
  let wakeTimer: NodeJS.Timeout | undefined;
  let wakeAt = Number.POSITIVE_INFINITY;
  return {
    wakeIn(ms: number): void {
      if (!isActive()) return;
      const at = Date.now() + ms;
      if (at >= wakeAt) return;
      clearTimeout(wakeTimer);
      wakeAt = at;
      wakeTimer = setTimeout(() => {
        wakeAt = Number.POSITIVE_INFINITY;
        onWake();
      }, Math.max(0, ms));
      wakeTimer.unref();
    },
    cancel: () => clearTimeout(wakeTimer),
  };
}
