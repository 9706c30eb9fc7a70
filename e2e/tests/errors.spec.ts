import { expect, test } from '../fixtures/users.js';

test('a link with a bad token shows the refusal screen', async ({ alice, baseURL }) => {
  await alice.page.goto(`${baseURL}/d/some-document?token=not-a-token`);
  await expect(alice.page.getByTestId('message-screen')).toHaveAttribute('data-reason', 'denied');
  await expect(alice.page.getByRole('heading')).toHaveText("This link doesn't work");
});

test('a document that cannot be reached says so, and opens once the server answers', async ({ alice, bob }) => {
  await alice.createDocument();
  await alice.focusEnd();
  await alice.type('Finally here.');
  await alice.expectSaved();

  // Bob's sockets open but the server behind them never answers, until it is let through.
  let reachable = false;
  await bob.page.context().routeWebSocket(/\/collab\//, (socket) => {
    if (reachable) socket.connectToServer();
  });
  await bob.page.goto(alice.page.url());
  await expect(bob.page.getByTestId('message-screen')).toHaveAttribute('data-reason', 'unreachable', { timeout: 20_000 });

  reachable = true;
  // The stock client drops a silent socket after 30 s and reconnects; a reload is quicker.
  await bob.page.reload();
  await bob.ready();
  await expect(bob.editor).toContainText('Finally here.');
});
