import {
  ContractError, type ClientFrame, type ContractClient, type EventChannel, type EventPayload,
  type InvokeChannel, type InvokeRequest, type InvokeResponse, type ServerFrame,
} from '../../../contract';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * The contract over the web host's WebSocket. Calls made while (re)connecting wait for the
 * socket; a dropped socket rejects pending calls and reconnects with backoff.
 */
export function createWsClient(url: string, opts: { WebSocketImpl?: typeof WebSocket } = {}): ContractClient & { close(): void } {
  const Impl = opts.WebSocketImpl ?? WebSocket;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: WebSocket;
  let opened: Promise<void>;
  let closed = false;
  let retryMs = 250;

  const connect = () => {
    socket = new Impl(url);
    opened = new Promise((resolve) => socket.addEventListener('open', () => { retryMs = 250; resolve(); }, { once: true }));
    socket.addEventListener('message', (message) => {
      // Main is trusted, and this client only sends well-formed frames, so the answer is typed, not re-validated.
      const data = JSON.parse(String(message.data)) as ServerFrame;
      if (data.type === 'event') {
        for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
        return;
      }
      if (typeof data.id !== 'number') return;
      const call = pending.get(data.id);
      if (!call) return;
      pending.delete(data.id);
      if (data.result.ok) call.resolve(data.result.value);
      else call.reject(new ContractError(data.result.error));
    });
    socket.addEventListener('close', () => {
      for (const call of pending.values()) call.reject(new ContractError({ code: 'unavailable', message: 'Lost the connection to the kiosk service.' }));
      pending.clear();
      if (!closed) setTimeout(connect, (retryMs = Math.min(retryMs * 2, 5000)));
    });
  };
  connect();

  return {
    async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      await opened;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        const frame: ClientFrame = { id, channel, payload: request };
        socket.send(JSON.stringify(frame));
      });
    },
    on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}
