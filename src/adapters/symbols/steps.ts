/**
 * Builds written once and run two ways: a generator that yields between small slices of work
 * runs to the end at once (a CLI, a test), or in slices with the event loop free in between (the
 * bot, where a 300 ms synchronous build would hold every interaction waiting behind it).
 */
import { setImmediate as nextTurn } from "node:timers/promises";

/** A build that yields after each small slice of work (well under a millisecond or two). */
export type Steps<T> = Generator<void, T, void>;

/** Rows between two yields of the row loops: about a millisecond of work before the code is optimized. */
export const SLICE_ROWS = 64;

/** Longest stretch a sliced build holds the thread before letting the event loop run. */
const SLICE_BUDGET_MS = 6;

export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function runSliced<T>(steps: Steps<T>, budgetMs = SLICE_BUDGET_MS): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= budgetMs) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}

/**
 * A value built on first use: at once by `get()`, or in slices by `load()`. One sliced build
 * at a time is shared by every caller; a failed one is tried again on the next call.
 */
export class Part<T> {
  #value: T | undefined;
  #built = false;
  #pending: Promise<T> | undefined;
  readonly #steps: () => Steps<T>;

  constructor(steps: () => Steps<T>) {
    this.#steps = steps;
  }

  get built(): boolean {
    return this.#built;
  }

  get(): T {
    if (!this.#built) this.#set(runNow(this.#steps()));
    return this.#value as T;
  }

  load(): Promise<T> {
    if (this.#built) return Promise.resolve(this.#value as T);
    this.#pending ??= runSliced(this.#steps()).then(
      (value) => {
        this.#pending = undefined;
        // A get() while this build ran has built it already: keep that one.
        if (!this.#built) this.#set(value);
        return this.#value as T;
      },
      (err: unknown) => {
        this.#pending = undefined;
        throw err;
      },
    );
    return this.#pending;
  }

  #set(value: T): void {
    this.#value = value;
    this.#built = true;
  }
}

/** Yields every SLICE_ROWS calls: `if (tick(i)) yield;` inside a row loop. */
export function tick(i: number): boolean {
  return i % SLICE_ROWS === SLICE_ROWS - 1;
}

/** A sort of `items` by `compare` that yields between slices: sorted runs, then merge passes. */
export function* sortSteps(items: Int32Array, compare: (a: number, b: number) => number): Steps<Int32Array> {
  const n = items.length;
  const RUN = 256;
  let from = items.slice();
  for (let start = 0; start < n; start += RUN) {
    from.subarray(start, Math.min(n, start + RUN)).sort(compare);
    yield;
  }
  let to = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    let done = 0;
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k += 1) {
        const x = from[a] ?? 0;
        const y = from[b] ?? 0;
        if (b >= hi || (a < mid && compare(x, y) <= 0)) {
          to[k] = x;
          a += 1;
        } else {
          to[k] = y;
          b += 1;
        }
        done += 1;
        if (done % 512 === 0) yield;
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
