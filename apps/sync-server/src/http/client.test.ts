import { describe, expect, it } from 'vitest';
import { createClientInfo } from './client.js';

/** A request's context as the client info reads it: the socket's peer and the X-Forwarded-For header. */
const request = (forwardedFor?: string, peer = '10.0.0.1') => ({
  env: { incoming: { socket: { remoteAddress: peer } } },
  req: { header: (name: string) => (name === 'x-forwarded-for' ? forwardedFor : undefined) },
});

describe('the client address', () => {
  it('is the socket’s peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(createClientInfo(0, [], 'http://localhost:1234').address(request('203.0.113.7'))).toBe('10.0.0.1');
  });

  it('is the entry the trusted proxy wrote (the right-most), not what the client wrote before it', () => {
    const oneProxy = createClientInfo(1, [], 'http://localhost:1234');
    expect(oneProxy.address(request('203.0.113.7'))).toBe('203.0.113.7');
    expect(oneProxy.address(request('198.51.100.1, 203.0.113.7'))).toBe('203.0.113.7');
    expect(oneProxy.address(request('forged, also-forged,203.0.113.7 '))).toBe('203.0.113.7');
  });

  it('is the n-th entry from the right behind n proxies', () => {
    const twoProxies = createClientInfo(2, [], 'http://localhost:1234');
    expect(twoProxies.address(request('forged, 203.0.113.7, 192.0.2.10'))).toBe('203.0.113.7');
    expect(twoProxies.address(request('203.0.113.7, 192.0.2.10'))).toBe('203.0.113.7');
    // Fewer entries than proxies: the left-most.
    expect(twoProxies.address(request('203.0.113.7'))).toBe('203.0.113.7');
  });

  it('is the socket’s peer when a trusted proxy sent no X-Forwarded-For', () => {
    expect(createClientInfo(1, [], 'http://localhost:1234').address(request(undefined))).toBe('10.0.0.1');
    expect(createClientInfo(1, [], 'http://localhost:1234').address(request(' , '))).toBe('10.0.0.1');
  });
});
