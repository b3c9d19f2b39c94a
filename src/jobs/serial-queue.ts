/** Runs tasks one after another, whether the previous one resolved or failed. */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Settles once the tasks queued so far have ended. */
  idle(): Promise<unknown>;
}

export function createSerialQueue(): SerialQueue {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = queue.then(task, task);
      queue = result.catch(() => {});
      return result;
    },
    idle: () => queue,
  };
}
