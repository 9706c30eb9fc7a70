import type { WebSocket } from 'ws';

/**
 * Keep-alive for every socket from one timer: each round pings every socket and terminates those that did
 * not answer the previous ping, so a dead peer (a laptop lid closed, a cable pulled) is dropped within two
 * intervals. One timer for all sockets keeps idle connections cheap.
 */
export interface Heartbeat {
  watch(socket: WebSocket): void;
  stop(): void;
}

export function createHeartbeat(intervalMs: number): Heartbeat {
  const answered = new Map<WebSocket, boolean>();
  const timer = setInterval(() => {
    for (const [socket, alive] of answered) {
      if (!alive) {
        answered.delete(socket);
        socket.terminate();
        continue;
      }
      answered.set(socket, false);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();

  return {
    watch(socket) {
      answered.set(socket, true);
      const markAlive = () => answered.has(socket) && answered.set(socket, true);
      socket.on('pong', markAlive);
      socket.on('message', markAlive);
      socket.once('close', () => answered.delete(socket));
    },
    stop() {
      clearInterval(timer);
      answered.clear();
    },
  };
}
