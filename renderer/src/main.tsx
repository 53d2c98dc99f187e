import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectContract } from './contract-client';

const client = connectContract(window as Window & { renzheng?: never });
createRoot(document.getElementById('root')!).render(<App client={client} />);
