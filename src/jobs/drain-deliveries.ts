import type { Logger } from "../logger.ts";

export interface DrainOptions {
  /** Settles once the queued ticks have ended. */
  idle(): Promise<unknown>;
  /** Deliveries running in this process. */
  running: Map<string, Promise<void>>;
  timeoutMs: number;
  abort: AbortController;
  log: Logger;
}

/** Waits (at most `timeoutMs`) for the queued ticks and running deliveries, then aborts them and waits for them to end. */
export async function drainDeliveries({ idle, running, timeoutMs, abort, log }: DrainOptions): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const allDone = async () => {
    await idle();
    while (running.size > 0) await Promise.all(running.values());
    return "done" as const;
  };
  const outcome = await Promise.race([allDone(), timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    log.warn({ running: running.size }, "stopping the digest scheduler mid-delivery; claims released, other instances continue");
    abort.abort(new Error("digest scheduler stopped"));
    await allDone();
  }
}
