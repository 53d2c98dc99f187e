// A service process for the multi-process and crash tests: the fake face engine, logs on stderr,
// and one line on stdout ({"url": …}) once listening; "PAUSED" when the commit fault pauses.
import { parseArgs } from 'node:util';
import { createServerLogger } from '../../../server/log';
import { startServer } from '../../../server/start';
import { fakeFace } from './fake-face';

const { values } = parseArgs({ options: { data: { type: 'string' }, db: { type: 'string' }, 'pause-commit-ms': { type: 'string' } } });
const pause = Number(values['pause-commit-ms'] ?? 0);
const server = await startServer({
  dataDir: values.data!,
  dbUrl: values.db,
  face: fakeFace(),
  keyCacheMs: 0,
  logger: createServerLogger({ destination: process.stderr }),
  faults: pause ? { pauseInsideCommitMs: pause, onPause: () => process.stdout.write('PAUSED\n') } : undefined,
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
