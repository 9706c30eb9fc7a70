// The floor for fan-out latency: a bare WebSocket broadcast relay (`ws`, no Yjs, no storage). Every binary
// message is sent as is to every other socket on the same path.
import { createServer } from 'node:http';
import process from 'node:process';
import { WebSocketServer } from 'ws';

const rooms = new Map();
const http = createServer((_req, res) => res.end('ok'));
const wss = new WebSocketServer({ server: http });
wss.on('connection', (socket, req) => {
  const key = req.url ?? '/';
  let room = rooms.get(key);
  if (!room) rooms.set(key, (room = new Set()));
  room.add(socket);
  socket.on('message', (data) => {
    for (const peer of room) if (peer !== socket) peer.send(data);
  });
  socket.on('close', () => {
    room.delete(socket);
    if (room.size === 0) rooms.delete(key);
  });
});
http.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
