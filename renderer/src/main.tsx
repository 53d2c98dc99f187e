// The CJK font ships with the app (@fontsource/noto-sans-sc, OFL-1.1) and is served by it: zh-CN renders
// on machines without system CJK fonts, and nothing is fetched from a CDN. Unicode-range subsets load on demand.
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectContract } from './contract-client';

const client = connectContract(window as Window & { renzheng?: never });
createRoot(document.getElementById('root')!).render(<App client={client} />);
