import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The status this receiver answered with. */
  answered: number;
}

/** A caller's callback endpoint on 127.0.0.1: records every POST and answers the queued statuses, then 200. */
export interface CallbackReceiver {
  url: string;
  arrivals: Arrival[];
  /** Statuses to answer next, in order (e.g. [500] to make the first delivery fail). */
  answers: number[];
  close(): Promise<void>;
}

export async function startCallbackReceiver(answers: number[] = []): Promise<CallbackReceiver> {
  const arrivals: Arrival[] = [];
  const receiver: CallbackReceiver = { url: '', arrivals, answers, close: () => new Promise<void>((r) => server.close(() => r())) };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString('utf8')));
    request.on('end', () => {
      const answered = receiver.answers.shift() ?? 200;
      arrivals.push({ headers: request.headers, body, answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
