import { describe, expect, it } from 'vitest';
import { imageBytes, sha256 } from './file-bytes.js';
import { type TestClient, createDocOn, readMetric, untilUpdated, useClients, waitFor, waitForSync } from './helpers.js';
import { type ServerProcess, useClusterProcesses } from './server-process.js';

/** Rounds of edits typed before the first of them has reached everyone (see `type`). */
const ROUNDS_IN_FLIGHT = 4;

/**
 * Several server processes on one real Redis (AOF) and one real PostgreSQL, as a self-hoster runs them
 * behind a load balancer. A client "moved by the load balancer" is a stock provider whose serverUrl now
 * points at another process.
 */
// Each test starts two or three servers from source, which takes seconds when the suite shares two cores:
// the limit stops a hung run, it measures nothing.
describe('cluster mode: several processes share documents through Redis and PostgreSQL', { timeout: 90_000 }, () => {
  const { services, start: startProcess } = useClusterProcesses();
  const { connect } = useClients();

  const startProcesses = (n: number) => Promise.all(Array.from({ length: n }, startProcess));

  function client(server: ServerProcess, id: string, token: string, name?: string): TestClient {
    const c = connect(server, id, token);
    if (name) c.provider.awareness.setLocalStateField('user', { name });
    return c;
  }

  /** Moves a client to another process, as a load balancer does when its process is gone. */
  function moveTo(c: TestClient, server: ServerProcess): void {
    c.provider.serverUrl = server.collabUrl;
  }

  const namesSeenBy = (c: TestClient) =>
    new Set([...c.provider.awareness.getStates().values()].map((state) => (state.user as { name?: string })?.name));

  /**
   * Each writer appends a mark of its own per round, one transaction each, for `rounds` rounds or until that
   * promise settles. A round is typed once each writer's mark of the round ROUNDS_IN_FLIGHT before has reached
   * its witness (the next writer unless given): writing goes on at the pace the cluster relays it, whatever the
   * load of the machine, with a few rounds always on their way.
   */
  async function type(
    writers: TestClient[],
    rounds: number | Promise<unknown>,
    tag: string,
    witnesses = writers.map((_, n) => writers[(n + 1) % writers.length]!),
  ): Promise<string[]> {
    let settled = false;
    const stop = () => (settled = true);
    if (typeof rounds !== 'number') void rounds.then(stop, stop);
    const marks: string[] = [];
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; typeof rounds === 'number' ? i < rounds : !settled; i++) {
      if (inFlight.length >= ROUNDS_IN_FLIGHT) await inFlight.shift();
      const round = writers.map((w, n) => {
        const mark = `<${tag}${n}.${i}>`;
        w.text.insert(w.text.length, mark);
        return mark;
      });
      marks.push(...round);
      const witnessed = (mark: string, n: number) =>
        untilUpdated(witnesses[n]!, `${mark} to reach its witness`, () => witnesses[n]!.text.toString().includes(mark), 30_000);
      const arrived = Promise.all(round.map(witnessed));
      arrived.catch(() => {}); // awaited when its turn comes
      inFlight.push(arrived);
    }
    await Promise.all([...inFlight, rounds]);
    return marks;
  }

  const converged = (clients: TestClient[], marks: string[]) => () =>
    clients.every((c) => c.text.toString() === clients[0]!.text.toString()) &&
    marks.every((mark) => clients[0]!.text.toString().includes(mark));

  it('clients spread over three processes converge on a busy document and see everyone’s presence', async () => {
    const servers = await startProcesses(3);
    const { id, editToken } = await createDocOn(servers[0]!.url);
    const clients = servers.flatMap((server, s) => [0, 1].map((k) => client(server, id, editToken, `user-${s}-${k}`)));
    await Promise.all(clients.map((c) => waitForSync(c)));

    const marks = await type(clients, 40, 'busy');
    await waitFor('every client to hold every edit', converged(clients, marks), 20_000);
    const everyone = clients.map((_, i) => `user-${Math.floor(i / 2)}-${i % 2}`);
    await waitFor('every client to see all six users', () =>
      clients.every((c) => everyone.every((name) => namesSeenBy(c).has(name))),
    );

    // A document created through one process exists for every other, even one nobody has opened.
    const untouched = await createDocOn(servers[0]!.url);
    const res = await fetch(`${servers[2]!.url}/api/docs/${untouched.id}/export?format=json`, {
      headers: { authorization: `Bearer ${untouched.viewToken}` },
    });
    expect(res.status).toBe(200);
  });

  it('a SIGKILLed process loses nothing it relayed; its clients move on and its users leave presence', async () => {
    const [a, b, c] = await startProcesses(3);
    const { id, editToken } = await createDocOn(a!.url);
    const onA = [client(a!, id, editToken, 'writer-a')];
    const watcherOnA = client(a!, id, editToken, 'watcher-a');
    const onB = [client(b!, id, editToken, 'writer-b')];
    const onC = [client(c!, id, editToken, 'writer-c')];
    const everyone = [...onA, watcherOnA, ...onB, ...onC];
    await Promise.all(everyone.map((x) => waitForSync(x)));
    await waitFor('B to see the watcher on A', () => namesSeenBy(onB[0]!).has('watcher-a'));

    // What B's client receives from A's writer was relayed: it must survive A's death, killed while writing.
    const writing = type([...onA, ...onB, ...onC], 60, 'kill');
    const relayedFromA = () => onB[0]!.text.toString().match(/<kill0\.\d+>/g) ?? [];
    await untilUpdated(onB[0]!, "some of A's edits at B", () => relayedFromA().length >= 3);
    a!.child.kill('SIGKILL');
    const relayedBeforeKill = relayedFromA();
    watcherOnA.provider.disconnect();
    for (const moved of onA) moveTo(moved, b!);
    const marks = await writing;

    const survivors = [...onA, ...onB, ...onC];
    await waitFor('the survivors to converge', converged(survivors, marks), 30_000);
    for (const mark of relayedBeforeKill) expect(onC[0]!.text.toString()).toContain(mark);
    await waitFor(
      'the watcher on the dead process to leave presence on B and C',
      () => !namesSeenBy(onB[0]!).has('watcher-a') && !namesSeenBy(onC[0]!).has('watcher-a'),
      10_000,
    );
  });

  it('processes resume after Redis restarts during editing, and nothing is lost', async () => {
    const [a, b] = await startProcesses(2);
    const { id, editToken } = await createDocOn(a!.url);
    const writers = [client(a!, id, editToken), client(b!, id, editToken)];
    // Each writer's edits are witnessed on its own process: typing goes on while Redis is down, and is refused.
    const witnesses = [client(a!, id, editToken), client(b!, id, editToken)];
    await Promise.all([...writers, ...witnesses].map((w) => waitForSync(w)));
    let refusedWhileDown = 0;
    for (const w of writers) w.provider.on('connection-close', (event) => event?.code === 4503 && refusedWhileDown++);

    const before = await type(writers, 20, 'before', witnesses);
    await waitFor('the first edits to converge', converged(writers, before));
    const during = await type(writers, services.redis.restart(), 'during', witnesses);
    const marks = [...before, ...during, ...(await type(writers, 20, 'after', witnesses))];
    await waitFor('both writers to converge after the restart', converged(writers, marks), 30_000);
    // The restart really interrupted the writers: their edits were refused, kept and sent again.
    expect(refusedWhileDown).toBeGreaterThan(0);

    const fresh = [client(a!, id, editToken), client(b!, id, editToken)];
    await Promise.all(fresh.map((f) => waitForSync(f)));
    for (const f of fresh) expect(f.text.toString()).toBe(writers[0]!.text.toString());
  });

  it('reports PostgreSQL going away and coming back in /healthz and /metrics', async () => {
    const [server] = await startProcesses(1);
    const health = async () => {
      const res = await fetch(`${server!.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { reason?: string } };
    };
    const metric = (name: string) => readMetric(server!.url, name);
    expect((await health()).status).toBe(200);
    expect(await metric('collab_cluster_redis_up')).toBe(1);

    const restarting = services.postgres.restart();
    let seen = { status: 0, body: {} as { reason?: string } };
    await waitFor('/healthz to report PostgreSQL unreachable', async () => (seen = await health()).status === 503);
    expect(seen.body.reason).toMatch(/PostgreSQL/);
    await restarting;
    await waitFor('/healthz to recover', async () => (await health()).status === 200);
    expect(await metric('collab_cluster_postgres_up')).toBe(1);
    expect(await metric('collab_cluster_stream_lag_seconds')).toBe(0);
  });

  it('a fresh process, after all others have stopped, loads every document exactly', async () => {
    const servers = await startProcesses(2);
    const docs = await Promise.all([0, 1, 2].map((n) => createDocOn(servers[n % 2]!.url)));
    const expected: string[] = [];
    for (const [n, doc] of docs.entries()) {
      const writers = servers.map((server) => client(server, doc.id, doc.editToken));
      await Promise.all(writers.map((w) => waitForSync(w)));
      const marks = await type(writers, 30 + 100 * n, `doc${n}-`);
      await waitFor('the writers to converge', converged(writers, marks), 20_000);
      expected.push(writers[0]!.text.toString());
      for (const w of writers) w.destroy();
    }
    for (const server of servers) {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }

    const fresh = await startProcess();
    for (const [n, doc] of docs.entries()) {
      const reader = client(fresh, doc.id, doc.editToken);
      await waitForSync(reader);
      expect(reader.text.toString()).toBe(expected[n]);
    }
  });

  it('serves a file uploaded through one process from every other', async () => {
    const [a, b] = await startProcesses(2);
    const { id, editToken, viewToken } = await createDocOn(a!.url);
    const bytes = imageBytes('image/webp', 200_000);
    const upload = (server: ServerProcess) =>
      fetch(`${server.url}/api/docs/${id}/files`, { method: 'POST', body: bytes, headers: { authorization: `Bearer ${editToken}` } });
    expect((await upload(a!)).status).toBe(201);
    expect((await upload(b!)).status).toBe(201);

    const served = await fetch(`${b!.url}/api/docs/${id}/files/${sha256(bytes)}`, { headers: { authorization: `Bearer ${viewToken}` } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
