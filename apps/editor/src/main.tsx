import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { replaceAddress, withTokenInFragment } from './routing';
import './styles/base.css';

// A `?token=` link (from before tokens moved to the fragment) is shown, kept in history and copied as a
// fragment link from here on.
const rewritten = withTokenInFragment(new URL(window.location.href));
if (rewritten) replaceAddress(rewritten);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
