import type { HttpBindings } from '@hono/node-server';

/** Reads of the request that depend on how the server is deployed (directly, or behind a proxy). */
export interface ClientInfo {
  /** The client's address: the socket's peer, or the first X-Forwarded-For hop when a proxy is trusted. */
  address(c: { env: unknown; req: { header(name: string): string | undefined } }): string;
  /** Whether a browser on `origin` may use the server; requests without an Origin (non-browsers) may. */
  originAllowed(origin: string | undefined): boolean;
}

export function createClientInfo(trustProxy: boolean, allowedOrigins: readonly string[]): ClientInfo {
  return {
    address(c) {
      const forwarded = trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
      return forwarded || ((c.env as HttpBindings).incoming?.socket.remoteAddress ?? 'unknown');
    },
    originAllowed: (origin) => allowedOrigins.length === 0 || origin === undefined || allowedOrigins.includes(origin),
  };
}
