/**
 * Polls `check` until it returns true, and fails with `timed out after N ms waiting for <what>` after
 * `timeoutMs`. A check that throws fails at once with its error. Tests wait with this for the event that proves
 * a thing (a message, a close, a metric, a stored value), never for a fixed time.
 */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Short enough not to add to a test's time, long enough not to compete with the work it waits for. */
const POLL_MS = 10;
