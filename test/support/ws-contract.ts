import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../contract';

/** A minimal Node client for the web host's contract socket, for tests and the bench. */
export class WsContract {
  private nextId = 1;
  private readonly pending = new Map<ClientFrame['id'], (result: unknown) => void>();
  readonly events: { event: string; payload: unknown }[] = [];
  /** Set when the host closed this connection: the close code and reason. */
  closed: { code: number; reason: string } | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerFrame;
      if (message.type === 'event') this.events.push({ event: message.event, payload: message.payload });
      else if (message.id !== null) this.pending.get(message.id)?.(message.result), this.pending.delete(message.id);
      else this.errors.push(message.result);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  }

  /** Answers to frames too broken to carry an id. */
  readonly errors: unknown[] = [];

  static connect(url: string, origin: string, cookie?: string): Promise<WsContract> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin, headers: cookie ? { cookie } : {} });
      ws.once('open', () => resolve(new WsContract(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  call(channel: unknown, payload: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, channel, payload }));
    });
  }

  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, { binary: options.binary ?? false });
  }

  /** Resolves when the host closed the connection. */
  whenClosed(): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** The underlying socket, for tests that need to misbehave at the protocol level. */
  get raw(): WebSocket {
    return this.ws;
  }

  close(): void {
    this.ws.close();
  }
}

/** Where a Node client reaches a host's contract socket, with the cookie a browser would hold. */
export function contractUrls(host: { port: number; token: string }): { ws: string; origin: string; cookie: string } {
  return { ws: `ws://127.0.0.1:${host.port}/contract`, origin: `http://127.0.0.1:${host.port}`, cookie: `renzheng_token=${host.token}` };
}

/** Connect to a host's contract socket as the kiosk page would. */
export function connectContract(host: { port: number; token: string }): Promise<WsContract> {
  const { ws, origin, cookie } = contractUrls(host);
  return WsContract.connect(ws, origin, cookie);
}
