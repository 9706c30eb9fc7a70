import type { HttpBindings } from '@hono/node-server';

/** Reads of the request that depend on how the server is deployed (directly, or behind proxies). */
export interface ClientInfo {
  /** The client's address: the socket's peer, or the one the trusted proxies saw (see `createClientInfo`). */
  address(c: { env: unknown; req: { header(name: string): string | undefined } }): string;
  /** Whether a browser on `origin` may use the server; requests without an Origin (non-browsers) may. */
  originAllowed(origin: string | undefined): boolean;
  /**
   * Whether a browser on `origin` may create documents: one of ALLOWED_ORIGINS when set, else only the
   * server's own pages (the origin of the request's Host, or of PUBLIC_URL). Creating needs no token, so
   * without this any website could have its visitors' browsers create documents here.
   */
  creationAllowed(origin: string | undefined, host: string | undefined): boolean;
}

/**
 * `trustedProxies`: how many reverse proxies are in front. Each appends to X-Forwarded-For the address it
 * received the request from, after whatever the client wrote there itself, so only the entries they wrote
 * (the right-most `trustedProxies`) can be believed: the client's address is the one the outermost proxy
 * wrote, `trustedProxies` from the right. A header with fewer entries has the left-most, which a trusted
 * proxy wrote as well when the count is right.
 */
export function createClientInfo(trustedProxies: number, allowedOrigins: readonly string[], publicUrl: string): ClientInfo {
  const publicOrigin = new URL(publicUrl).origin;
  return {
    address(c) {
      const hops = trustedProxies > 0 ? forwardedFor(c.req.header('x-forwarded-for')) : [];
      const peer = (c.env as HttpBindings).incoming?.socket.remoteAddress ?? 'unknown';
      return hops[Math.max(0, hops.length - trustedProxies)] ?? peer;
    },
    originAllowed: (origin) => allowedOrigins.length === 0 || origin === undefined || allowedOrigins.includes(origin),
    creationAllowed(origin, host) {
      if (origin === undefined) return true;
      if (allowedOrigins.length > 0) return allowedOrigins.includes(origin);
      return origin === publicOrigin || (URL.canParse(origin) && new URL(origin).host === host);
    },
  };
}

/** The addresses of an X-Forwarded-For header, left to right (one header, or several joined by commas). */
function forwardedFor(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
}
