/**
 * Attacks through the document: updates that are costly to apply, that hold memory or disk, that break
 * Yjs, or that write under another user's client id. Each is what issue 12 found, sized as it was found.
 */
import { sleep, until } from '../loadgen.js';
import { appendUpdate } from '../protocol.js';
import { diskKiB } from '../proc.js';
import { type Attack, type CreatedDoc, RawSocket, createDoc } from './harness.js';
import * as Y from 'yjs';
import { backwardRun, everyOther, handUpdate, step1Frame, updateFrame } from './wire.js';

const ATTACKER = 66_000_001;

/** Sends `frames` on one edit socket, then asks for a sync answer, which comes once they are applied. */
async function sendAndSettle(socket: RawSocket, frames: Uint8Array[], ms = 180_000): Promise<void> {
  for (const frame of frames) socket.send(frame);
  socket.send(step1Frame(new Map()));
  await socket.answered(2, ms);
}

/** One long text item, then its every other character deleted in one update, in the given order. */
export function deleteSetAttack(order: 'ascending' | 'descending', length = 115_000): Attack<CreatedDoc> {
  return {
    name: `${order} single-character deletions (${Math.round((length / 2) * 4 / 1024)} KB)`,
    prepare: createDoc,
    async run(server, doc) {
      const socket = new RawSocket(server, doc.id, doc.editToken);
      await socket.opened;
      socket.send(updateFrame(handUpdate([{ client: ATTACKER, clock: 0, text: 'x'.repeat(length) }])));
      await sendAndSettle(socket, [updateFrame(handUpdate([], [{ client: ATTACKER, ranges: everyOther(length, order) }]))]);
      const code = socket.code ?? 0;
      socket.close();
      await socket.closed;
      return { attackerCode: code };
    },
  };
}

/**
 * Memory amplification: on each of `docs` documents, one update of one long text item with every other
 * character deleted (2.85 MiB), sockets left open for a while.
 */
export function amplificationAttack(docs = 16, length = 850_000): Attack<CreatedDoc[]> {
  return {
    name: `memory amplification (${docs} documents × ${((length * 3.5) / 2 ** 20).toFixed(2)} MiB)`,
    prepare: (server) => Promise.all(Array.from({ length: docs }, () => createDoc(server))),
    async run(server, targets) {
      const sockets = targets.map((doc) => new RawSocket(server, doc.id, doc.editToken));
      await Promise.all(sockets.map((s) => s.opened));
      const update = updateFrame(
        handUpdate([{ client: ATTACKER, clock: 0, text: 'x'.repeat(length) }], [{ client: ATTACKER, ranges: everyOther(length, 'ascending') }]),
      );
      await Promise.all(sockets.map((s) => sendAndSettle(s, [update])));
      await sleep(5_000);
      const codes = sockets.map((s) => s.code ?? 0);
      for (const s of sockets) s.close();
      await Promise.all(sockets.map((s) => s.closed));
      return { attackerCode: codes[0]!, figures: [{ what: 'attacker sockets refused', value: codes.filter((c) => c !== 0).length, better: 'higher' }] };
    },
  };
}

/** A document of `items` separate items (each inserted at the start), then many full-state-vector sync requests. */
export function stateVectorAttack(items = 200_000, requests = 500): Attack<CreatedDoc> {
  return {
    name: `${requests} sync requests with a full state vector (${items / 1000}k-item document)`,
    async prepare(server) {
      const doc = await createDoc(server);
      const writer = new RawSocket(server, doc.id, doc.editToken);
      await writer.opened;
      const batch = 25_000;
      for (let start = 0; start < items; start += batch) {
        const frames: Uint8Array[] = [];
        for (let clock = start; clock < start + batch; clock += 500) {
          // 500 single characters each inserted at the start: separate items, as typing backwards makes.
          frames.push(updateFrame(backwardRun(ATTACKER, clock, 500)));
        }
        await sendAndSettle(writer, frames);
        writer.step2s = 1;
      }
      writer.close();
      await writer.closed;
      return doc;
    },
    async run(server, doc) {
      const socket = new RawSocket(server, doc.id, doc.viewToken);
      await socket.opened;
      await socket.answered(1, 30_000);
      const full = step1Frame(new Map([[ATTACKER, items + 1]]));
      for (let i = 0; i < requests; i++) socket.send(full);
      await until(() => socket.step2s >= requests + 1 || socket.code !== null, 120_000);
      const answered = socket.step2s - 1;
      const code = socket.code ?? 0;
      socket.close();
      await socket.closed;
      return { attackerCode: code, figures: [{ what: 'requests answered', value: answered, better: 'lower' }] };
    },
  };
}

/** Updates sent before the sync answer, by a socket that never gives it. */
export function heldUpdatesAttack(seconds = 10, updateMiB = 15): Attack<CreatedDoc> {
  return {
    name: `updates held before the sync answer (${updateMiB} MiB each, ${seconds} s)`,
    prepare: createDoc,
    async run(server, doc) {
      const socket = new RawSocket(server, doc.id, doc.editToken, { answerSync: false });
      await socket.opened;
      const text = 'h'.repeat(updateMiB * 2 ** 20);
      const deadline = performance.now() + seconds * 1000;
      let sent = 0;
      while (performance.now() < deadline && socket.code === null) {
        socket.send(updateFrame(handUpdate([{ client: ATTACKER + sent, clock: 0, text }])));
        sent++;
        await sleep(1_000);
      }
      const code = socket.code ?? 0;
      socket.close();
      await socket.closed;
      return { attackerCode: code, figures: [{ what: 'updates sent', value: sent, better: 'lower' }] };
    },
  };
}

/** One client writing new content as fast as the byte rate allows, for `seconds`. */
export function diskAttack(seconds = 11, updateMiB = 4): Attack<CreatedDoc> {
  return {
    name: `disk growth from one client (${seconds} s)`,
    prepare: createDoc,
    async run(server, doc) {
      const before = diskKiB(server.dataDir);
      const socket = new RawSocket(server, doc.id, doc.editToken);
      await socket.opened;
      await socket.answered(1, 10_000);
      const text = 'd'.repeat(updateMiB * 2 ** 20);
      const deadline = performance.now() + seconds * 1000;
      for (let client = ATTACKER; performance.now() < deadline && socket.code === null; client++) {
        socket.send(updateFrame(handUpdate([{ client, clock: 0, text }])));
        await sleep(250);
      }
      // Once the server answers a sync request, everything before it is stored.
      socket.send(step1Frame(new Map()));
      await socket.answered(2, 120_000);
      const code = socket.code ?? 0;
      const growth = (diskKiB(server.dataDir) - before) / 1024;
      socket.close();
      await socket.closed;
      return { attackerCode: code, figures: [{ what: 'DATA_DIR growth (MB)', value: growth, better: 'lower' }] };
    },
  };
}

/** Ten honest writers on a document, then a 12-byte update whose origin is its own missing clock. */
export function missingOriginAttack(writers = 10): Attack<CreatedDoc> {
  return {
    name: 'update with its own missing clock as origin (12 bytes)',
    prepare: createDoc,
    async run(server, doc) {
      const honest = Array.from({ length: writers }, () => new RawSocket(server, doc.id, doc.editToken));
      await Promise.all(honest.map((s) => s.opened));
      await Promise.all(honest.map((s) => s.answered(1, 10_000)));
      honest.forEach((s, i) => s.send(updateFrame(appendUpdate(ATTACKER + 100 + i, 0))));
      await sleep(500);
      const attacker = new RawSocket(server, doc.id, doc.editToken);
      await attacker.opened;
      await sendAndSettle(attacker, [updateFrame(handUpdate([{ client: ATTACKER, clock: 0, text: 'x', origin: { client: ATTACKER, clock: 5 } }]))], 10_000);
      await sleep(1_000);
      const othersClosed = honest.filter((s) => s.code !== null).length;
      const code = attacker.code ?? 0;
      for (const s of [...honest, attacker]) s.close();
      await Promise.all([...honest, attacker].map((s) => s.closed));
      return { attackerCode: code, figures: [{ what: 'other users closed', value: othersClosed, better: 'lower' }] };
    },
  };
}

/** A user writing under its client id; an attacker writes under the same id; the user writes on. */
export function hijackAttack(): Attack<CreatedDoc> {
  const victim = 55_000_001;
  return {
    name: 'writing under a connected user’s client id',
    prepare: createDoc,
    async run(server, doc) {
      const user = new RawSocket(server, doc.id, doc.editToken);
      const witness = new RawSocket(server, doc.id, doc.viewToken);
      await Promise.all([user.opened, witness.opened]);
      await Promise.all([user.answered(1, 10_000), witness.answered(1, 10_000)]);
      for (let clock = 0; clock < 5; clock++) user.send(updateFrame(appendUpdate(victim, clock, 'v')));
      await sleep(500);
      const attacker = new RawSocket(server, doc.id, doc.editToken);
      await attacker.opened;
      await sendAndSettle(attacker, [updateFrame(appendUpdate(victim, 5, 'Z'))], 10_000);
      for (let clock = 5; clock < 10; clock++) user.send(updateFrame(appendUpdate(victim, clock, 'v')));
      user.send(step1Frame(new Map()));
      await user.answered(2, 10_000);
      witness.send(step1Frame(new Map()));
      await witness.answered(2, 10_000);
      const stored = new Y.Doc();
      if (witness.lastStep2) Y.applyUpdate(stored, witness.lastStep2);
      const kept = [...stored.getText('t').toString()].filter((c) => c === 'v').length;
      const code = attacker.code ?? 0;
      for (const s of [user, witness, attacker]) s.close();
      await Promise.all([user, witness, attacker].map((s) => s.closed));
      return { attackerCode: code, figures: [{ what: 'user’s characters stored (of 10)', value: kept, better: 'higher' }] };
    },
  };
}
