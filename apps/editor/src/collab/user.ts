import { isRecord, readJson, writeJson } from '../storage/local-json';
import { createStore, type Store } from './store';

/** The local user as others see them: caret label and presence entry. */
export interface LocalUser {
  name: string;
  /** `#rrggbb`: CollaborationCaret ignores any other colour syntax. */
  color: string;
}

const USER_KEY = 'collab.user';

// Dark enough for the white caret labels to stay readable.
const PALETTE = ['#c92a2a', '#a61e4d', '#862e9c', '#5f3dc4', '#1864ab', '#0b7285', '#2b8a3e', '#d9480f'];
const ADJECTIVES = ['Brave', 'Calm', 'Clever', 'Gentle', 'Happy', 'Lively', 'Quiet', 'Swift', 'Witty', 'Bright'];
const ANIMALS = ['Otter', 'Falcon', 'Panda', 'Heron', 'Lynx', 'Koala', 'Robin', 'Badger', 'Orca', 'Fox'];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
export const isColor = (value: unknown): value is string => typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
const isUser = (value: unknown): value is LocalUser =>
  isRecord(value) && typeof value.name === 'string' && isColor(value.color);

/** The user chosen once per browser (a random name and colour on first visit), saved on every change. */
export function createUserStore(): Store<LocalUser> {
  const fresh: LocalUser = { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(PALETTE) };
  const user = readJson(USER_KEY, fresh, isUser);
  if (user === fresh) writeJson(USER_KEY, user);
  const store = createStore(user);
  return {
    ...store,
    set(next) {
      store.set(next);
      writeJson(USER_KEY, next);
    },
  };
}

/** The `user` field of our awareness state, what the others' presence lists and carets show: never a blank name. */
export function awarenessUser(user: LocalUser): LocalUser {
  return { name: user.name.trim() || 'Anonymous', color: user.color };
}
