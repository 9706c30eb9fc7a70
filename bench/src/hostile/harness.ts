/**
 * How a hostile scenario is measured: a control pair of clients on a document of its own (a writer sending a
 * one-character update every 20 ms, a reader timing its arrival) runs before, during and after the attack;
 * the server's RSS is sampled throughout; afterwards the server must still answer, every document the
 * attack loaded must be unloaded again, and the control's latency must be back to normal.
 */
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { Samples, sleep, until } from '../loadgen.js';
import { Msg, SyncSub, appendUpdate, clockRanges } from '../protocol.js';
import { rssBytes } from '../proc.js';
import type { ServerProcess } from '../servers.js';
import type { Figure } from '../scenarios/types.js';
import { emptyStep2Frame, updateFrame } from './wire.js';

const CONTROL_WRITER = 9_000_001;
const CONTROL_INTERVAL_MS = 20;

export interface CreatedDoc {
  id: string;
  editToken: string;
  viewToken: string;
}

export async function createDoc(server: ServerProcess): Promise<CreatedDoc> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/docs`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /api/docs answered ${res.status}`);
  return (await res.json()) as CreatedDoc;
}

/** A socket that says what the attack wants; it answers the server's sync step 1 unless told not to. */
export class RawSocket {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  /** The close code, once closed. */
  readonly closed: Promise<number>;
  code: number | null = null;
  step2s = 0;
  /** The last sync step 2 the server sent (the document as it holds it). */
  lastStep2: Uint8Array | null = null;
  bytesReceived = 0;

  constructor(server: ServerProcess, docId: string, token: string, { answerSync = true } = {}) {
    this.socket = new WebSocket(`ws://127.0.0.1:${server.port}/collab/${docId}?token=${encodeURIComponent(token)}`, {
      perMessageDeflate: false,
      maxPayload: 1 << 30,
    });
    this.socket.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('close', () => reject(new Error('closed before opening')));
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code) => {
        this.code = code;
        resolve(code);
      }),
    );
    this.socket.on('message', (data: Buffer) => {
      this.bytesReceived += data.byteLength;
      const d = decoding.createDecoder(data);
      if (decoding.readVarUint(d) !== Msg.Sync) return;
      const sub = decoding.readVarUint(d);
      if (sub === SyncSub.Step1 && answerSync) this.send(emptyStep2Frame);
      if (sub === SyncSub.Step2) {
        this.step2s++;
        this.lastStep2 = decoding.readVarUint8Array(d);
      }
    });
  }

  send(frame: Uint8Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  close(): void {
    this.socket.close();
  }

  /** Resolves once the server has answered `count` sync step 1s in all, or the socket closed. */
  async answered(count: number, ms = 120_000): Promise<boolean> {
    return until(() => this.step2s >= count || this.code !== null, ms);
  }
}

type Phase = 'before' | 'during' | 'settling' | 'after';

/** The control pair: latency samples by phase, and whether either of them was closed. */
class ControlProbe {
  private phase: Phase = 'before';
  private readonly sentAt: number[] = [];
  private readonly phaseOf: Phase[] = [];
  readonly latency: Record<Phase, Samples> = { before: new Samples(), during: new Samples(), settling: new Samples(), after: new Samples() };
  private timer: NodeJS.Timeout | undefined;
  private readonly writer: RawSocket;
  private readonly reader: RawSocket;

  constructor(server: ServerProcess, doc: CreatedDoc) {
    this.writer = new RawSocket(server, doc.id, doc.editToken);
    this.reader = new RawSocket(server, doc.id, doc.editToken);
    this.reader.socket.on('message', (data: Buffer) => {
      const at = performance.now();
      const d = decoding.createDecoder(data);
      if (decoding.readVarUint(d) !== Msg.Sync || decoding.readVarUint(d) !== SyncSub.Update) return;
      clockRanges(decoding.readVarUint8Array(d), (client, from, to) => {
        if (client !== CONTROL_WRITER) return;
        for (let clock = from; clock < to; clock++) this.latency[this.phaseOf[clock]!].push(at - this.sentAt[clock]!);
      });
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.writer.opened, this.reader.opened]);
    await Promise.all([this.writer.answered(1, 10_000), this.reader.answered(1, 10_000)]);
    this.timer = setInterval(() => {
      const clock = this.sentAt.length;
      this.sentAt.push(performance.now());
      this.phaseOf.push(this.phase);
      this.writer.send(updateFrame(appendUpdate(CONTROL_WRITER, clock)));
    }, CONTROL_INTERVAL_MS);
  }

  enter(phase: Phase): void {
    this.phase = phase;
  }

  /** Stops sending; an update still on its way counts as lost only if it has not come back within 5 s. */
  async stop(): Promise<{ lost: number; disconnected: boolean }> {
    clearInterval(this.timer);
    const received = () => Object.values(this.latency).reduce((sum, s) => sum + s.length, 0);
    await until(() => received() >= this.sentAt.length || this.reader.code !== null, 5_000);
    const disconnected = this.writer.code !== null || this.reader.code !== null;
    this.writer.close();
    this.reader.close();
    return { lost: this.sentAt.length - received(), disconnected };
  }
}

/** What an attack reports besides what the harness measures itself. */
export interface AttackOutcome {
  /** Close code of the attacker's (first) socket; 0 if the server left it open. */
  attackerCode: number;
  /** More figures of its own, labelled without the scenario's prefix. */
  figures?: Array<{ what: string; value: number; better: 'lower' | 'higher' }>;
}

export interface Attack<P = unknown> {
  name: string;
  /** Extra server environment (budgets lowered or raised for this attack). */
  env?: Record<string, string>;
  /** Builds what the attack needs (documents, content), before anything is measured. */
  prepare?(server: ServerProcess): Promise<P>;
  /** The attack itself: resolves once it is over and its sockets are closed. */
  run(server: ServerProcess, prepared: P): Promise<AttackOutcome>;
}

/** Polls `done` every 100 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

export async function metric(server: ServerProcess, series: string): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : NaN;
  } catch {
    return NaN;
  }
}

async function alive(server: ServerProcess): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${server.port}/healthz`)).ok;
  } catch {
    return false;
  }
}

/** Runs `attack` against a started server with the control pair going, and measures it. */
export async function measureAttack<P>(server: ServerProcess, attack: Attack<P>): Promise<Figure[]> {
  const control = await createDoc(server);
  const prepared = (await attack.prepare?.(server)) as P;
  const probe = new ControlProbe(server, control);
  await probe.start();
  await eventually(async () => (await metric(server, 'collab_documents_loaded')) <= 1, 15_000);
  await sleep(500);
  const pid = server.pid;
  const rssBefore = rssBytes(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    try {
      rssPeak = Math.max(rssPeak, rssBytes(pid));
    } catch {
      // the process is gone: reported below
    }
  }, 100);
  probe.enter('during');
  const outcome = await attack.run(server, prepared).catch((err: Error) => {
    process.stderr.write(`hostile ${attack.name}: ${err.message}\n`);
    return { attackerCode: -1 } as AttackOutcome;
  });
  probe.enter('settling');
  const survived = await alive(server);
  // Everything the attack loaded is unloaded again: only the control's document stays.
  const unloaded = survived && (await eventually(async () => (await metric(server, 'collab_documents_loaded')) <= 1, 20_000));
  probe.enter('after');
  await sleep(2_000);
  clearInterval(sampler);
  const { lost, disconnected } = await probe.stop();
  const stillAlive = await alive(server);
  const rssAfter = stillAlive ? rssBytes(pid) : NaN;
  const loaded = stillAlive ? await metric(server, 'collab_documents_loaded') : NaN;
  const MB = 1024 * 1024;
  const row = (what: string) => `hostile ${attack.name} · ${what}`;
  return [
    { row: row('control p99 during (ms)'), value: probe.latency.during.quantile(0.99), better: 'lower' },
    { row: row('control max during (ms)'), value: probe.latency.during.max(), better: 'lower' },
    { row: row('control p99 after (ms)'), value: probe.latency.after.quantile(0.99), better: 'lower' },
    { row: row('control updates lost'), value: lost, better: 'lower' },
    { row: row('control disconnected (1 = yes)'), value: disconnected ? 1 : 0, better: 'lower' },
    { row: row('server alive after (1 = yes)'), value: stillAlive ? 1 : 0, better: 'higher' },
    { row: row('documents loaded after, besides the control'), value: unloaded ? 0 : loaded - 1, better: 'lower' },
    { row: row('RSS growth at peak (MB)'), value: (rssPeak - rssBefore) / MB, better: 'lower' },
    { row: row('RSS kept after (MB)'), value: (rssAfter - rssBefore) / MB, better: 'lower' },
    { row: row('attacker close code'), value: outcome.attackerCode, better: 'higher' },
    ...(outcome.figures ?? []).map((f) => ({ row: row(f.what), value: f.value, better: f.better })),
  ];
}
