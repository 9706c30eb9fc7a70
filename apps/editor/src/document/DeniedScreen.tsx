import { MessageScreen } from '../components/MessageScreen';

// The server's refusal codes (docs/protocol.md): the socket is accepted, then closed with one of these.
const EXPLANATIONS: Record<number, string> = {
  4400: 'This link does not point to a valid document.',
  4401: 'This link is not valid, or it has expired. Ask whoever shared it for a new one.',
  4403: 'This link belongs to another document. Ask whoever shared it for the right one.',
  4413: 'A change made here is larger than the server accepts, so this copy cannot sync any more.',
};

export function DeniedScreen({ code }: { code: number | null }) {
  const explanation = (code !== null && EXPLANATIONS[code]) || 'The server refused this link.';
  return (
    <MessageScreen title="This link doesn't work" reason="denied">
      <p>{explanation}</p>
    </MessageScreen>
  );
}
