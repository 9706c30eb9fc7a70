/**
 * Renders exports in worker threads (`render-worker.ts`), at most `size` at once for the whole process.
 *
 * Rendering runs TipTap, ProseMirror and happy-dom over the whole document: on the event loop every
 * document shares, a big HTML export stalled every user of the server and grew the shared heap by
 * hundreds of megabytes. In a worker it stalls nothing, and its heap is its own and capped: a document too
 * big to render ends that worker only. Workers are started on demand (the first export of an idle server
 * pays for loading the renderers) and stopped after a while without exports, which gives their memory back.
 * A worker that rendered a large document is stopped at once: its heap grew with the document, and an idle
 * worker's heap is never collected (nothing allocates in it), so it would hold that memory while it waits.
 */
import { Worker } from 'node:worker_threads';
import type { ExportFormat } from '@collab/schema/export-formats';
import type { FromWorker, ToWorker } from './export-messages.js';

export interface ExportRequest {
  /** The document's whole state, as one Yjs update. */
  state: Uint8Array;
  format: ExportFormat;
  /** Where the Markdown export links an image: this followed by the file's hash. */
  imageBase: string;
  /** The images an HTML export embeds, as data: URIs by file hash. */
  loadImages(shas: string[]): Promise<Array<[sha: string, dataUri: string]>>;
}

export interface ExportResult {
  body: string;
  contentType: string;
  fileExtension: string;
  title: string;
}

/** Every worker is rendering: try again shortly (503 with Retry-After). */
export class ExportBusyError extends Error {
  override readonly name = 'ExportBusyError';
}

/** The content cannot be rendered with the editor's schema (422). */
export class UnexportableError extends Error {
  override readonly name = 'UnexportableError';
}

/** The worker ran out of its heap (413), took too long or stopped (503). */
export class ExportFailedError extends Error {
  override readonly name = 'ExportFailedError';
  constructor(
    message: string,
    readonly status: 413 | 503,
  ) {
    super(message);
  }
}

export interface ExportPool {
  render(request: ExportRequest): Promise<ExportResult>;
  /** Workers started and not stopped, busy or idle. */
  readonly workers: number;
  /** Stops every worker; renders in progress fail. */
  close(): Promise<void>;
}

export interface ExportPoolOptions {
  /** Exports rendered at once; more are refused with ExportBusyError. */
  size: number;
  /** A worker without work for this long is stopped. */
  idleMs?: number;
  /** A worker that rendered a document this large (its state, in bytes) or larger is stopped at once. */
  retireAfterBytes?: number;
  /** A render that takes longer is stopped. */
  timeoutMs?: number;
  /** Each worker's heap. */
  heapMb?: number;
}

// Beside this module in the sources; built, beside the bundle this module is in (build.mjs writes it there).
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './render-worker.ts' : './render-worker.js', import.meta.url);

function startWorker(heapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapMb };
  let worker: Worker;
  if (!WORKER_URL.pathname.endsWith('.ts')) worker = new Worker(WORKER_URL, { resourceLimits });
  else {
    // Running from the TypeScript sources (tests, `npm run dev`): the worker loads them through tsx, and the
    // workspace packages from their sources too.
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
    worker = new Worker(code, { eval: true, execArgv: ['--conditions=source'], resourceLimits });
  }
  // A worker that fails after its request has ended (one stopped for taking too long, say) has nobody
  // listening: an 'error' event without a listener would end the whole process.
  worker.on('error', () => {});
  return worker;
}

export function createExportPool({
  size,
  idleMs = 10_000,
  retireAfterBytes = 1024 * 1024,
  timeoutMs = 60_000,
  heapMb = 1024,
}: ExportPoolOptions): ExportPool {
  const idle: Worker[] = [];
  const idleTimers = new Map<Worker, NodeJS.Timeout>();
  const all = new Set<Worker>();
  let busy = 0;

  function retire(worker: Worker): void {
    clearTimeout(idleTimers.get(worker));
    idleTimers.delete(worker);
    all.delete(worker);
    void worker.terminate();
  }

  function rest(worker: Worker): void {
    idle.push(worker);
    idleTimers.set(
      worker,
      setTimeout(() => {
        idle.splice(idle.indexOf(worker), 1);
        retire(worker);
      }, idleMs).unref(),
    );
  }

  return {
    async render(request) {
      if (busy >= size) throw new ExportBusyError('every export worker is busy; try again shortly');
      busy++;
      const worker = idle.pop() ?? startWorker(heapMb);
      clearTimeout(idleTimers.get(worker));
      all.add(worker);
      try {
        const result = await run(worker, request, timeoutMs);
        if (request.state.byteLength >= retireAfterBytes) retire(worker);
        else rest(worker);
        return result;
      } catch (err) {
        if (err instanceof UnexportableError) rest(worker);
        else retire(worker);
        throw err;
      } finally {
        busy--;
      }
    },
    get workers() {
      return all.size;
    },
    async close() {
      for (const worker of [...all]) retire(worker);
      idle.length = 0;
    },
  };
}

/** One request on one worker, to its end: a result, or an error saying why not. */
function run(worker: Worker, request: ExportRequest, timeoutMs: number): Promise<ExportResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => end(new ExportFailedError('the export took too long', 503)), timeoutMs);
    const onMessage = (message: FromWorker) => {
      switch (message.kind) {
        case 'images':
          request.loadImages(message.shas).then((images) => send({ kind: 'images', images }), end);
          return;
        case 'done': {
          const { body, contentType, fileExtension, title } = message;
          return end(null, { body, contentType, fileExtension, title });
        }
        case 'unexportable':
          return end(new UnexportableError(message.message));
        case 'failed':
          return end(new Error(`export failed: ${message.message}`));
      }
    };
    const onError = (err: Error & { code?: string }) =>
      end(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new ExportFailedError('the document is too large to export', 413) : err);
    const onExit = () => end(new ExportFailedError('the export stopped', 503));
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    send({ kind: 'render', state: request.state, format: request.format, imageBase: request.imageBase });

    function send(message: ToWorker): void {
      worker.postMessage(message);
    }
    function end(err: unknown, result?: ExportResult): void {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (result) resolve(result);
      else reject(err);
    }
  });
}
