import { MessageScreen } from '../components/MessageScreen';

// The server's refusal codes (docs/protocol.md): the socket is accepted, then closed with one of these.
const EXPLANATIONS: Record<number, string> = {
  4400: 'This link does not point to a valid document.',
  4401: 'This link is not valid, or it has expired. Ask whoever shared it for a new one.',
  4403: 'This link belongs to another document. Ask whoever shared it for the right one.',
  4413: 'A change made here is larger than the server accepts, so this copy cannot sync any more.',
};

/** The reasons of a 4401 that the owner's actions give, said in their words. */
const TAKEN_BACK: Record<string, string> = {
  'link revoked': "The document's owner has replaced this link with a new one. Ask them for the new link.",
  'link turned off': "The document's owner has turned this link off. Ask them to turn it on again, or for another link.",
  'link expired': 'This link has expired. Ask whoever shared it for a new one.',
};

export function DeniedScreen({ code, reason }: { code: number | null; reason: string }) {
  const explanation = (code === 4401 && TAKEN_BACK[reason]) || (code !== null && EXPLANATIONS[code]) || 'The server refused this link.';
  return (
    <MessageScreen title="This link doesn't work" reason="denied">
      <p>{explanation}</p>
    </MessageScreen>
  );
}
