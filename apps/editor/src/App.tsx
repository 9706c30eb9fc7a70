import { lazy, Suspense } from 'react';
import { LoadingScreen, MessageScreen } from './components/MessageScreen';
import { loadDocumentScreen } from './document/load';
import { HomeScreen } from './home/HomeScreen';
import { useRoute } from './routing';

// The home page must stay light: TipTap, Yjs and the sync code only load with a document.
const DocumentScreen = lazy(loadDocumentScreen);

export function App() {
  const route = useRoute();
  switch (route.screen) {
    case 'home':
      return <HomeScreen />;
    case 'document':
      return (
        <Suspense fallback={<LoadingScreen />}>
          {/* Keyed by document only: another link of the same document reconnects its session, nothing more. */}
          <DocumentScreen key={route.id} id={route.id} token={route.token} />
        </Suspense>
      );
    case 'not-found':
      return (
        <MessageScreen title="Page not found" reason="not-found">
          <p>There is nothing at this address.</p>
        </MessageScreen>
      );
  }
}
