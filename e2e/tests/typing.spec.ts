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

test('keystroke latency to the other browser (measured and reported, not asserted)', async ({ alice, bob }, testInfo) => {
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

  const keyTimes = await alice.page.evaluate(() => (window as unknown as { keyTimes: number[] }).keyTimes);
  const arrivals = await bob.page.evaluate(() => (window as unknown as { arrivals: Array<{ time: number; text: string }> }).arrivals);
  const latencies = [...typed].map((_, i) => {
    const arrival = arrivals.find((entry) => entry.text.includes(typed.slice(0, i + 1)));
    return (arrival?.time ?? NaN) - (keyTimes[i] ?? NaN);
  });
  const sorted = latencies.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const summary = `keystroke to other browser over ${sorted.length} keystrokes: median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, min ${at(0).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`;
  console.log(summary);
  testInfo.annotations.push({ type: 'latency', description: summary });
  expect(sorted).toHaveLength(typed.length);
});
