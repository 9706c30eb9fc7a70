/**
 * Attacks anyone with a view link can make (presence, updates that are refused anyway) and costly requests
 * over HTTP (exports).
 */
import * as encoding from 'lib0/encoding';
import { sleep, until } from '../loadgen.js';
import type { ServerProcess } from '../servers.js';
import { type Attack, type CreatedDoc, RawSocket, createDoc } from './harness.js';
import { awarenessFrame, handUpdate, step1Frame, updateFrame } from './wire.js';

/** Presence for ever new client ids from one view-link socket, as fast as it goes, for `seconds`. */
export function presenceFloodAttack(seconds = 2, idsPerMessage = 2_000): Attack<CreatedDoc> {
  return {
    name: `presence flood of new client ids (${seconds} s, view link)`,
    prepare: createDoc,
    async run(server, doc) {
      const socket = new RawSocket(server, doc.id, doc.viewToken);
      await socket.opened;
      let next = 1_000_000;
      const deadline = performance.now() + seconds * 1000;
      while (performance.now() < deadline && socket.code === null) {
        const ids = Array.from({ length: idsPerMessage }, () => next++);
        socket.send(awarenessFrame(ids, '{"u":1}'));
        // Let the socket drain: what counts is what the server takes in, not what waits in our buffer.
        while (socket.socket.bufferedAmount > 1 << 20) await sleep(5);
        await sleep(1);
      }
      const code = socket.code ?? 0;
      // A newcomer while the attacker is still there: how much presence it is sent.
      const newcomer = new RawSocket(server, doc.id, doc.viewToken);
      await newcomer.opened.catch(() => undefined);
      await newcomer.answered(1, 60_000);
      await sleep(500);
      const received = newcomer.bytesReceived;
      for (const s of [socket, newcomer]) s.close();
      await Promise.all([socket.closed, newcomer.closed]);
      return {
        attackerCode: code,
        figures: [
          { what: 'client ids sent', value: next - 1_000_000, better: 'lower' },
          { what: 'bytes a newcomer receives (KB)', value: received / 1024, better: 'lower' },
        ],
      };
    },
  };
}

/** Presence nested `depth` levels deep from a view link, then `newcomers` people opening the document. */
export function deepPresenceAttack(depth = 8_000, newcomers = 33): Attack<CreatedDoc> {
  return {
    name: `presence nested ${depth} levels deep, then ${newcomers} newcomers`,
    prepare: createDoc,
    async run(server, doc) {
      const socket = new RawSocket(server, doc.id, doc.viewToken);
      await socket.opened;
      socket.send(awarenessFrame([4_242], `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`));
      await sleep(500);
      const joiners = Array.from({ length: newcomers }, () => new RawSocket(server, doc.id, doc.viewToken));
      await Promise.all(joiners.map((j) => until(() => j.step2s > 0 || j.code !== null, 30_000)));
      const refused = joiners.filter((j) => j.code !== null).length;
      const code = socket.code ?? 0;
      for (const s of [socket, ...joiners]) s.close();
      await Promise.all([socket, ...joiners].map((s) => s.closed));
      return { attackerCode: code, figures: [{ what: 'newcomers refused', value: refused, better: 'lower' }] };
    },
  };
}

/** Big updates on a view link, which are never applied: only their cost before the refusal counts. */
export function viewUpdateAttack(updates = 3, updateMiB = 7.6): Attack<CreatedDoc> {
  return {
    name: `${updates} updates of ${updateMiB} MiB on a view link`,
    prepare: createDoc,
    async run(server, doc) {
      const socket = new RawSocket(server, doc.id, doc.viewToken);
      await socket.opened;
      await socket.answered(1, 10_000);
      // Many small items: parsing them is what costs.
      const items = Array.from({ length: Math.floor((updateMiB * 2 ** 20) / 12) }, (_, i) => ({ client: 70_000_000 + i, clock: 0, text: 'v' }));
      const frame = updateFrame(handUpdate(items));
      for (let i = 0; i < updates; i++) {
        socket.send(frame);
        await sleep(600);
      }
      socket.send(step1Frame(new Map()));
      await socket.answered(2, 60_000);
      const code = socket.code ?? 0;
      socket.close();
      await socket.closed;
      return { attackerCode: code };
    },
  };
}

/** `concurrent` HTML exports at once of a document of about `sizeMiB` of paragraphs. */
export function exportAttack(concurrent = 4, sizeMiB = 2): Attack<CreatedDoc> {
  return {
    name: `${concurrent} HTML exports at once of a ${sizeMiB} MiB document`,
    async prepare(server) {
      const doc = await createDoc(server);
      const writer = new RawSocket(server, doc.id, doc.editToken);
      await writer.opened;
      await writer.answered(1, 10_000);
      writer.send(updateFrame(paragraphs(80_000_001, Math.round((sizeMiB * 2 ** 20) / 100))));
      writer.send(step1Frame(new Map()));
      await writer.answered(2, 120_000);
      writer.close();
      await writer.closed;
      return doc;
    },
    async run(server: ServerProcess, doc) {
      const started = performance.now();
      const statuses = await Promise.all(
        Array.from({ length: concurrent }, async () => {
          const res = await fetch(`http://127.0.0.1:${server.port}/api/docs/${doc.id}/export?format=html`, {
            headers: { Authorization: `Bearer ${doc.viewToken}` },
          });
          await res.arrayBuffer();
          return res.status;
        }),
      );
      return {
        attackerCode: 0,
        figures: [
          { what: 'exports answered 200', value: statuses.filter((s) => s === 200).length, better: 'higher' },
          { what: 'exports refused 503 (busy)', value: statuses.filter((s) => s === 503).length, better: 'lower' },
          { what: 'time for all exports (ms)', value: performance.now() - started, better: 'lower' },
        ],
      };
    },
  };
}

const PARAGRAPH = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labo';

/**
 * The update that inserts `count` paragraphs into the editor's fragment `default`, one after the other, as
 * one client's structs: per paragraph a Y.XmlElement 'paragraph', its Y.XmlText and the text's one string.
 */
function paragraphs(client: number, count: number): Uint8Array {
  const e = encoding.createEncoder();
  const id = (clock: number) => {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
  };
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, count * 3);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 0);
  const step = 2 + PARAGRAPH.length;
  for (let element = 0; element < count * step; element += step) {
    if (element === 0) {
      encoding.writeUint8(e, 7);
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, 'default');
    } else {
      encoding.writeUint8(e, 7 | 0x80); // after the previous paragraph
      id(element - step);
    }
    encoding.writeVarUint(e, 3); // YXmlElement
    encoding.writeVarString(e, 'paragraph');
    encoding.writeUint8(e, 7); // its XmlText, inside it
    encoding.writeVarUint(e, 0);
    id(element);
    encoding.writeVarUint(e, 6); // YXmlText
    encoding.writeUint8(e, 4); // the string, inside the XmlText
    encoding.writeVarUint(e, 0);
    id(element + 1);
    encoding.writeVarString(e, PARAGRAPH);
  }
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}
