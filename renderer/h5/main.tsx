// Chinese renders on any phone: the CJK font ships with the page (served by the service, never a CDN).
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import { createRoot } from 'react-dom/client';
import { H5App } from './H5App';

// The token travels in the URL the caller handed out (CloudauthPageUrl); it never leaves this origin.
const token = new URLSearchParams(location.search).get('token') ?? '';
createRoot(document.getElementById('root')!).render(<H5App token={token} />);
