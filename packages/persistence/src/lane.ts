/**
 * Runs tasks one at a time in the order they were added. The LevelDB store keeps one lane per document so that
 * its batches reach the database in sequence order: concurrent `db.batch` calls run on libuv's thread pool and
 * may land in any order, which would let an older metadata write overwrite a newer one. Different documents
 * have different lanes and never wait on each other.
 */
export class Lane {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` after everything added before it; the result settles as the task does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // A failed task must not stop the ones behind it; its caller sees the failure through `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
