import type { DigestRequest } from "./digest.ts";

/** What every step of one digest build shares: its language, clock, window, signal and warnings. */
export interface DigestRun {
  language: string;
  now: Date;
  /** Start of the digest's window. */
  since: Date;
  signal?: AbortSignal;
  warnings: string[];
  beforeNewLlmCall?: () => Promise<void>;
}

export interface StartedRun {
  run: DigestRun;
  /** Aborted when the request's `beforeNewLlmCall` refuses a model call. */
  stop: AbortController;
}

export function startDigestRun(request: DigestRequest): StartedRun {
  // A refused model call (budget) stops the rest of the build through this controller. Without
  // a hook or a caller's signal there is nothing to abort: no signal (cheaper at scale).
  const hook = request.beforeNewLlmCall;
  const stop = new AbortController();
  const signal = hook ? (request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal) : request.signal;
  const run: DigestRun = {
    language: request.language,
    now: request.now ?? new Date(),
    since: request.since,
    ...(signal ? { signal } : {}),
    warnings: [],
    ...(hook
      ? {
          beforeNewLlmCall: async () => {
            try {
              await hook();
            } catch (err) {
              stop.abort(err);
              throw err;
            }
          },
        }
      : {}),
  };
  return { run, stop };
}
