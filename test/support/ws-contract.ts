import WebSocket from 'ws';

/** A minimal Node client for the web host's contract socket, for tests and the bench. */
export class WsContract {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  readonly events: { event: string; payload: unknown }[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; id: number; result: unknown; event: string; payload: unknown };
      if (message.type === 'event') this.events.push({ event: message.event, payload: message.payload });
      else this.pending.get(message.id)?.(message.result), this.pending.delete(message.id);
    });
  }

  static connect(url: string, origin: string): Promise<WsContract> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin });
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

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  close(): void {
    this.ws.close();
  }
}

export function contractUrls(pageUrl: string, token?: string): { ws: string; origin: string } {
  const url = new URL(pageUrl);
  const t = token ?? url.searchParams.get('token') ?? '';
  return { ws: `ws://${url.host}/contract?token=${t}`, origin: `http://${url.host}` };
}
