/**
 * The one place the write path asks whether a client's update may be applied: it is read
 * (`update-format.ts`) and checked against the document (`update-guard.ts`) with budgets derived from the
 * configuration. Pure.
 */
import * as Y from 'yjs';
import type { Limits } from '../config.js';
import { CloseCode } from './protocol.js';
import { type DecodedUpdate, UpdateFormatError, decodeUpdate } from './update-format.js';
import { UpdateRefused, type Verdict, checkUpdate } from './update-guard.js';

/** Deepest nesting of arrays and objects in a value stored in a document (attributes, embeds, formats). */
const MAX_VALUE_DEPTH = 32;
/**
 * Deepest nesting of Yjs types: a list in a list item is two levels, so this leaves room for lists nested
 * dozens of levels deep, and keeps every client's and the export's recursion far from the stack's end.
 */
const MAX_TYPE_DEPTH = 100;

export type UpdateBudget = Pick<Limits, 'maxDocItems' | 'maxUpdateWork'>;

export type Judgement =
  /** `writers`: the client ids the update adds structs for, which its sender claims (client-ids.ts). */
  | ({ accepted: true; writers: number[] } & Verdict)
  | { accepted: false; code: CloseCode; reason: string; metric: 'malformed' | 'invalid-update' | 'too-large' };

/** Whether `update` from a client may be applied to `doc` now, and what it costs if so. */
export function judgeUpdate(doc: Y.Doc, update: Uint8Array, { maxDocItems, maxUpdateWork: maxWork }: UpdateBudget): Judgement {
  try {
    const decoded = decodeUpdate(update, { maxEntries: 2 * maxWork, maxDepth: MAX_VALUE_DEPTH });
    const verdict = checkUpdate(doc, decoded, { maxDocItems, maxWork, maxTypeDepth: MAX_TYPE_DEPTH });
    return { accepted: true, writers: writers(doc, decoded), ...verdict };
  } catch (err) {
    if (err instanceof UpdateFormatError) {
      return err.tooLarge
        ? { accepted: false, code: CloseCode.TooLarge, reason: err.message, metric: 'too-large' }
        : { accepted: false, code: CloseCode.BadRequest, reason: err.message, metric: 'malformed' };
    }
    if (err instanceof UpdateRefused) {
      return err.tooLarge
        ? { accepted: false, code: CloseCode.TooLarge, reason: err.message, metric: 'too-large' }
        : { accepted: false, code: CloseCode.BadRequest, reason: err.message, metric: 'invalid-update' };
    }
    throw err;
  }
}

/** The client ids of which `update` holds structs `doc` has not: the ones its sender writes as. */
function writers(doc: Y.Doc, update: DecodedUpdate): number[] {
  return update.clients.flatMap(({ client, structs }) => {
    const last = structs.at(-1);
    return last && last.id.clock + last.length > Y.getState(doc.store, client) ? [client] : [];
  });
}
