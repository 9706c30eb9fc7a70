import { Lane } from './lane.js';

/**
 * One Lane per document, dropped when its last task settles, so that the map holds only documents with work
 * queued. Both stores chain their compactions here: one asked for while another of the same document runs
 * waits for it (whatever its outcome), so that it still folds in everything appended before it was asked
 * for, and `busy` tells a store not to start a background compaction behind one already coming.
 *
 * The cluster store also queues the *sending* of its writes here (an append's lane task ends once its MULTI
 * is handed to ioredis, which sends commands in order), so appends of one document keep their call order
 * without waiting for each other's round trip, and a delete holds back the appends made after it.
 */
export class DocLanes {
  private readonly lanes = new Map<string, { lane: Lane; tasks: number }>();

  /** Queues `task` behind the document's tasks still running or waiting; settles as `task` does. */
  run<T>(docId: string, task: () => Promise<T>): Promise<T> {
    let entry = this.lanes.get(docId);
    if (!entry) this.lanes.set(docId, (entry = { lane: new Lane(), tasks: 0 }));
    entry.tasks += 1;
    const result = entry.lane.run(task);
    const settled = () => {
      entry.tasks -= 1;
      if (entry.tasks === 0) this.lanes.delete(docId);
    };
    result.then(settled, settled);
    return result;
  }

  /** Whether a task of the document runs or waits. */
  busy(docId: string): boolean {
    return this.lanes.has(docId);
  }
}
