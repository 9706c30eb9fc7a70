/**
 * Registers the service worker that keeps the editor's files (sw/service-worker.js), so a document opened once
 * reopens without network. Done from a document page only: visitors of the home page alone never download the
 * editor. Production only: in development it would cache what Vite serves fresh on every change.
 */
export function registerOfflineShell(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').catch(() => {
    // Not available (an insecure origin, for one): the editor works the same, only not after an offline reload.
  });
}
