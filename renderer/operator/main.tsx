import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import { createRoot } from 'react-dom/client';
import type { OperatorClient } from '../../contract/operator-channels';
import { createWsClient } from '../src/contract-client/ws-client';
import { OperatorApp } from './OperatorApp';
import './operator.css';

interface OperatorBridge {
  invoke(channel: string, payload: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;
}

/** Electron: the operator window's preload; web host: the operator server's own port and HttpOnly cookie. */
function connect(win: Window & { renzhengOperator?: OperatorBridge }): OperatorClient {
  const bridge = win.renzhengOperator;
  if (bridge) {
    return {
      invoke: async (channel, request) => {
        const envelope = await bridge.invoke(channel, request);
        if (!envelope.ok) throw new Error(envelope.error.message);
        return envelope.value as never;
      },
    };
  }
  // The wire protocol is the kiosk's; only the channel map behind this connection differs.
  return createWsClient(`ws://${win.location.host}/contract`) as unknown as OperatorClient;
}

createRoot(document.getElementById('root')!).render(<OperatorApp client={connect(window)} />);
