// A service process for the multi-process and crash tests and the server bench: the fake face engine, logs on stderr,
// and one line on stdout ({"url": …}) once listening; "PAUSED" when the commit fault pauses.
import { parseArgs } from 'node:util';
import { startFaceWorker } from '../../../face/client';
import { createServerLogger } from '../../../server/log';
import { startServer } from '../../../server/start';
import { fakeFace } from './fake-face';

const { values } = parseArgs({
  options: { data: { type: 'string' }, db: { type: 'string' }, 'pause-commit-ms': { type: 'string' }, 'real-face': { type: 'boolean' }, rate: { type: 'string' }, quiet: { type: 'boolean' } },
});
const rate = values.rate ? Number(values.rate) : undefined;
const pause = Number(values['pause-commit-ms'] ?? 0);
const server = await startServer({
  dataDir: values.data!,
  dbUrl: values.db,
  face: values['real-face'] ? await startFaceWorker({ workers: 2 }) : fakeFace(),
  faceWorkers: values['real-face'] ? 2 : undefined,
  keyCacheMs: values['real-face'] || rate ? 2000 : 0,
  throttle: rate ? { ratePerSecond: rate, burst: rate } : undefined,
  logger: createServerLogger({ destination: process.stderr, level: values.quiet ? 'warn' : 'info' }),
  faults: pause ? { pauseInsideCommitMs: pause, onPause: () => process.stdout.write('PAUSED\n') } : undefined,
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
