import { describe, expect, it } from 'vitest';
import { documentPath, parseRoute, withTokenInFragment } from './routing';

const url = (path: string) => new URL(path, 'http://localhost');
const route = (path: string) => parseRoute(url(path));

describe('parseRoute', () => {
  it('maps the paths of the editor', () => {
    expect(route('/')).toEqual({ screen: 'home' });
    expect(route('/d/abc_DEF-123#token=t.k.n')).toEqual({ screen: 'document', id: 'abc_DEF-123', token: 't.k.n' });
    expect(route('/d/abc')).toEqual({ screen: 'document', id: 'abc', token: '' });
    expect(route('/d/not%20an%20id#token=x')).toEqual({ screen: 'not-found' });
    expect(route('/elsewhere')).toEqual({ screen: 'not-found' });
  });

  it('reads back the links it builds, with the token in the fragment', () => {
    expect(documentPath('abc', 'a+b/c=')).toBe('/d/abc#token=a%2Bb%2Fc%3D');
    expect(route(documentPath('abc', 'a+b/c='))).toEqual({ screen: 'document', id: 'abc', token: 'a+b/c=' });
  });

  it('still reads links with the token in the query, the fragment winning over it', () => {
    expect(route('/d/abc?token=old')).toEqual({ screen: 'document', id: 'abc', token: 'old' });
    expect(route('/d/abc?token=old#token=new')).toEqual({ screen: 'document', id: 'abc', token: 'new' });
  });
});

describe('withTokenInFragment', () => {
  it('moves a query token into the fragment', () => {
    expect(withTokenInFragment(url('/d/abc?token=t.k.n'))).toBe('/d/abc#token=t.k.n');
    expect(withTokenInFragment(url('/d/abc?token=a%2Bb'))).toBe('/d/abc#token=a%2Bb');
  });

  it('leaves every other address alone', () => {
    expect(withTokenInFragment(url('/d/abc#token=t'))).toBeNull();
    expect(withTokenInFragment(url('/d/abc'))).toBeNull();
    expect(withTokenInFragment(url('/?token=x'))).toBeNull();
    expect(withTokenInFragment(url('/d/bad%20id?token=x'))).toBeNull();
  });
});
