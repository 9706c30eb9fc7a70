/** A real store whose appends and loads a test can hold or make fail, as on a full disk or a lost server. */
import type { DocStore } from '@collab/persistence';

export interface StoreControl {
  /** `failing-after-write`: the append is written, then reported failed (a lost acknowledgement). */
  append: 'working' | 'failing' | 'failing-after-write';
  load: 'working' | 'failing';
  /** Appends that were called, and those that failed. */
  appends: number;
  failedAppends: number;
  /** Called on each failed append, before it rejects. */
  onFailure(): void;
  /** Holds the next append until `release` is called; `reached` resolves once it is waiting. */
  holdNextAppend(): { reached: Promise<void>; release(): void };
}

/** Decorates `store` in place (as `StartOptions.decorateStore` expects) and returns its controls. */
export function controlStore(store: DocStore): StoreControl {
  const append = store.append.bind(store);
  const load = store.load.bind(store);
  let gate: (() => Promise<void>) | null = null;
  const control: StoreControl = {
    append: 'working',
    load: 'working',
    appends: 0,
    failedAppends: 0,
    onFailure: () => undefined,
    holdNextAppend() {
      let reach!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (reach = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      gate = () => {
        gate = null;
        reach();
        return released;
      };
      return { reached, release };
    },
  };
  store.append = async (id, updates, stateAfter) => {
    control.appends++;
    await gate?.();
    if (control.append === 'working') return append(id, updates, stateAfter);
    if (control.append === 'failing-after-write') await append(id, updates, stateAfter);
    control.failedAppends++;
    control.onFailure();
    throw new Error('ENOSPC: no space left on device');
  };
  store.load = async (id) => {
    if (control.load === 'failing') throw new Error('EIO: i/o error');
    return load(id);
  };
  return control;
}
