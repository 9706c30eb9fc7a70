import { expectConverged } from '../fixtures/document-page.js';
import { expect, test } from '../fixtures/users.js';

test('two users typing at the same time, in different and in the same paragraph, end with the same text', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('First paragraph.');
  await alice.page.keyboard.press('Enter');
  await alice.type('Second paragraph.');
  await bob.open(alice.page.url());
  await expect(bob.editor).toContainText('Second paragraph.');

  // Cursors are placed while nobody types: a click that lands while a remote edit repaints the paragraph can
  // be undone by y-prosemirror restoring the selection ProseMirror had before the click.
  await alice.focusBlock(0, 'end');
  await bob.focusBlock(1, 'end');
  await Promise.all([alice.type(' Alice was here.', 20), bob.type(' Bob was here.', 20)]);
  await expectConverged([alice, bob], ['Alice was here.', 'Bob was here.']);
  // The same paragraph: Alice goes on at its end while Bob writes at its start. (At the very same spot, the two
  // runs may interleave character by character: both would still agree, but on an unreadable text.)
  await bob.focusBlock(0, 'start');
  await Promise.all([alice.type(' Together at once.', 20), bob.type('Meanwhile: ', 20)]);

  const text = await expectConverged([alice, bob], ['Alice was here. Together at once.', 'Bob was here.']);
  expect(text).toBe('Meanwhile: First paragraph. Alice was here. Together at once.\nSecond paragraph. Bob was here.');
});

test('each user sees the other in the presence list and their named caret, live', async ({ alice, bob }) => {
  await alice.createDocument();
  await bob.open(alice.page.url());
  await Promise.all([alice.focusEnd(), bob.focusEnd()]);
  await alice.type('Hello from Alice.');
  await expect(bob.editor).toContainText('Hello from Alice.');

  for (const [viewer, other] of [[alice, bob], [bob, alice]] as const) {
    await expect(viewer.presenceUsers).toHaveCount(2);
    await expect(viewer.presenceUsers.filter({ hasText: other.name })).toHaveCount(1);
    await expect(viewer.caretLabel(other.name)).toBeVisible();
  }

  await bob.page.getByTestId('user-name').fill('Robert');
  await expect(alice.presenceUsers.filter({ hasText: 'Robert' })).toHaveCount(1);
  // Editing the name took the focus, and with it the caret; it comes back with the new name.
  await bob.focusEnd();
  await expect(alice.caretLabel('Robert')).toBeVisible();

  await bob.page.close();
  await expect(alice.presenceUsers).toHaveCount(1);
  await expect(alice.caretLabel('Robert')).toHaveCount(0);
});

/**
 * Installed before a page loads: the times (ms since the epoch, comparable across the contexts of one
 * browser) at which its WebSocket sent and received y-websocket document updates (sync message type 0,
 * sub-type 2 "update"). Presence and the rest of the protocol are left out.
 */
function recordUpdateFrames(): void {
  const frames = { sent: [] as number[], received: [] as number[] };
  Object.assign(window, { updateFrames: frames });
  const now = () => performance.timeOrigin + performance.now();
  const isUpdate = (data: unknown) => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 2) : null;
    return bytes !== null && bytes[0] === 0 && bytes[1] === 2;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event) => void (isUpdate(event.data) && frames.received.push(now())));
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (isUpdate(data)) frames.sent.push(now());
      super.send(data);
    }
  };
}

test('keystroke latency to the other browser, and where it goes (measured and reported, not asserted)', async ({ alice, bob }, testInfo) => {
  await Promise.all([alice.page.addInitScript(recordUpdateFrames), bob.page.addInitScript(recordUpdateFrames)]);
  await alice.createDocument();
  await bob.open(alice.page.url());
  await alice.focusEnd();

  // Both contexts run in one browser on one machine, so their performance clocks can be compared.
  await alice.page.evaluate(() => {
    const keys: number[] = [];
    Object.assign(window, { keyTimes: keys });
    document.addEventListener('keydown', (event) => keys.push(performance.timeOrigin + event.timeStamp), true);
  });
  await bob.page.evaluate(() => {
    const arrivals: Array<{ time: number; text: string }> = [];
    Object.assign(window, { arrivals });
    const root = document.querySelector('.ProseMirror') as HTMLElement;
    new MutationObserver(() => {
      const copy = root.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
      arrivals.push({ time: performance.timeOrigin + performance.now(), text: copy.textContent ?? '' });
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });

  const typed = 'the quick brown fox jumps over';
  for (let i = 0; i < typed.length; i++) {
    await alice.page.keyboard.type(typed[i] as string);
    const prefix = typed.slice(0, i + 1);
    await bob.page.waitForFunction((expected) => {
      const arrivals = (window as unknown as { arrivals: Array<{ text: string }> }).arrivals;
      return arrivals.some((arrival) => arrival.text.includes(expected));
    }, prefix);
  }

  type Frames = { updateFrames: { sent: number[]; received: number[] } };
  const keyTimes = await alice.page.evaluate(() => (window as unknown as { keyTimes: number[] }).keyTimes);
  const arrivals = await bob.page.evaluate(() => (window as unknown as { arrivals: Array<{ time: number; text: string }> }).arrivals);
  const { sent } = await alice.page.evaluate(() => (window as unknown as Frames).updateFrames);
  const { received } = await bob.page.evaluate(() => (window as unknown as Frames).updateFrames);
  // Keystrokes are typed one at a time, each once the previous one showed at Bob's: the first frame after
  // each step belongs to this keystroke.
  const firstAfter = (times: number[], at: number) => times.find((time) => time >= at) ?? NaN;
  const steps = [...typed].map((_, i) => {
    const key = keyTimes[i] ?? NaN;
    const send = firstAfter(sent, key);
    const receive = firstAfter(received, send);
    const shown = arrivals.find((entry) => entry.text.includes(typed.slice(0, i + 1)))?.time ?? NaN;
    return { total: shown - key, editor: send - key, network: receive - send, render: shown - receive };
  });
  const quantiles = (values: number[]) => {
    const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return { count: sorted.length, median: at(0.5), p95: at(0.95), min: at(0), max: at(1) };
  };
  const total = quantiles(steps.map((step) => step.total));
  const part = (name: keyof (typeof steps)[number]) => {
    const q = quantiles(steps.map((step) => step[name]));
    return `${name} ${q.median.toFixed(1)} / ${q.p95.toFixed(1)} ms`;
  };
  const summary =
    `keystroke to other browser over ${total.count} keystrokes: median ${total.median.toFixed(1)} ms, p95 ${total.p95.toFixed(1)} ms, ` +
    `min ${total.min.toFixed(1)} ms, max ${total.max.toFixed(1)} ms; median / p95 of its parts: ` +
    `${part('editor')} (key to update sent: ProseMirror transaction, y-prosemirror, Yjs encode), ` +
    `${part('network')} (sent to received: sockets and the server's fsynced write and relay), ` +
    `${part('render')} (received to shown: Yjs apply, y-prosemirror, ProseMirror render)`;
  console.log(summary);
  testInfo.annotations.push({ type: 'latency', description: summary });
  expect(total.count).toBe(typed.length);
  expect(steps.every((step) => step.editor >= 0 && step.network >= 0 && step.render >= 0)).toBe(true);
});
