import { describe, expect, it } from 'vitest';
import { documentPath, parseRoute } from './routing';

const route = (path: string) => parseRoute(new URL(path, 'http://localhost'));

describe('parseRoute', () => {
  it('maps the paths of the editor', () => {
    expect(route('/')).toEqual({ screen: 'home' });
    expect(route('/d/abc_DEF-123?token=t.k.n')).toEqual({ screen: 'document', id: 'abc_DEF-123', token: 't.k.n' });
    expect(route('/d/abc')).toEqual({ screen: 'document', id: 'abc', token: '' });
    expect(route('/d/not%20an%20id?token=x')).toEqual({ screen: 'not-found' });
    expect(route('/elsewhere')).toEqual({ screen: 'not-found' });
  });

  it('reads back the links it builds', () => {
    expect(route(documentPath('abc', 'a+b/c='))).toEqual({ screen: 'document', id: 'abc', token: 'a+b/c=' });
  });
});
