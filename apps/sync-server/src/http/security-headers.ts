import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers on every response. The editor loads only its own scripts and styles and talks only to
 * its own origin ('self' covers ws:/wss: to the same host). Inline style attributes stay allowed because
 * ProseMirror and the collaboration carets set them. Referrer-Policy no-referrer keeps share-link tokens,
 * which sit in the page URL, out of Referer headers sent to other sites.
 */
export const securityHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  });
