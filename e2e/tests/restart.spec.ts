import { expect, test } from '../fixtures/users.js';

test('content survives a server restart and a page reload', async ({ alice, bob, server }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Durable words.');
  await alice.expectSaved();

  await server.restart();
  // The editor reconnects by itself and sends what was typed meanwhile.
  await alice.focusEnd();
  await alice.type(' Typed around the restart.');
  await alice.expectStatus('connected');
  await alice.expectSaved();

  // A browser without a local copy gets everything from the server.
  await bob.open(alice.page.url());
  await expect(bob.editor).toContainText('Durable words. Typed around the restart.');
  await alice.page.reload();
  await alice.ready();
  await expect(alice.editor).toContainText('Durable words. Typed around the restart.');
});
