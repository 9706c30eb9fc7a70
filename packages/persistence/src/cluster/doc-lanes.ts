import { Lane } from '../lane.js';

/**
 * One Lane per document, dropped when its last task settles, so that the map holds only documents with work
 * queued. The cluster store queues the *sending* of its writes here (an append's lane task ends once its
 * MULTI is handed to ioredis, which sends commands in order), so appends of one document keep their call
 * order without waiting for each other's round trip, and a delete holds back the appends made after it.
 */
export class DocLanes {
  private readonly lanes = new Map<string, { lane: Lane; tasks: number }>();

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
}
