import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64Value, type FlatParams } from '../cloudauth';
import { createAccessKey, type NewAccessKey } from '../server/admin';
import { openRepository } from '../server/repository/open';
import { serverKeys } from '../server/start';
import { masterKeyEnv } from '../test/server/support/harness';
import { spawnServer, type ServerProcess } from '../test/server/support/processes';
import { metric, type Benchmark } from './harness';
import { load, percentile, postForm, signedBody } from './signed-load';

// The service in its own process (SQLite in a temp dir), the load generator here on loopback:
// signed GetStatus (fresh nonce and signature per request, as a real client sends), then CompareFaces
// with the real face engine (2 worker threads) on two fixture photos.

const GETSTATUS_SECONDS = 10;
const COMPARE_SECONDS = 15;

/** The first refusal's code, so a failed run says why (a code, never parameters). */
let firstRefusal: string | undefined;

/** One signed 2018-09-16 call; true when it was answered 200. */
async function call(agent: Agent, url: string, key: NewAccessKey, action: string, own: FlatParams): Promise<boolean> {
  const answer = await postForm(agent, url, signedBody(key, action, '2018-09-16', own));
  if (answer.status !== 200 && firstRefusal === undefined) {
    firstRefusal = /"Code":"([^"]+)"|<Code>([^<]+)<\/Code>/.exec(answer.text)?.slice(1).find(Boolean) ?? `HTTP ${answer.status}`;
  }
  return answer.status === 200;
}

/**
 * CPU seconds (user + system) a process has used, from /proc; undefined elsewhere. On a shared
 * machine req/s depends on what else runs, CPU time per request much less.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}


async function prepare(dataDir: string, env: Record<string, string>): Promise<NewAccessKey> {
  const repo = await openRepository({ dataDir });
  try {
    await repo.createBiz({ name: 'BenchBiz', scheme: 'RPMin', createdAt: new Date() });
    return await createAccessKey(repo, serverKeys(dataDir, env).secrets);
  } finally {
    await repo.close();
  }
}

const bench: Benchmark = {
  name: 'server',
  description: 'self-hosted cloudauth service: signed GetStatus req/s and latency (loopback load generator), CompareFaces/s with the worker pool',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'renzheng-bench-server-'));
    const env = masterKeyEnv();
    let server: ServerProcess | undefined;
    try {
      const key = await prepare(dataDir, env);
      server = await spawnServer(['--data', dataDir, '--real-face', '--rate', '1000000', '--quiet'], env);
      const url = server.url;
      const agent = new Agent({ keepAlive: true, maxSockets: 32 });

      const getStatus = () => call(agent, url, key, 'GetStatus', { Biz: 'BenchBiz', TicketId: `t-${Math.floor(Math.random() * 1000)}` });
      await load(1, 16, getStatus); // warm-up
      const cpuBefore = cpuSeconds(server.child.pid);
      // 16 keep-alive connections sending back to back: enough to keep the server busy, few enough
      // that latency measures the server rather than a queue of our own making.
      const gs = await load(GETSTATUS_SECONDS, 16, getStatus);
      const cpuAfter = cpuSeconds(server.child.pid);
      const cpuPerRequestUs = cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : Math.round(((cpuAfter - cpuBefore) / Math.max(1, gs.latencies.length + gs.errors)) * 1e6);
      const sorted = gs.latencies;

      const [a, b] = await Promise.all(['person-vlado.jpg', 'person-vlado1.jpg'].map((f) => readFile(join(import.meta.dirname, '../test/fixtures/faces', f))));
      const compare = () => call(agent, url, key, 'CompareFaces', { SourceImageType: 'FacePic', SourceImageValue: toBase64Value(a!), TargetImageType: 'FacePic', TargetImageValue: toBase64Value(b!) });
      await load(2, 2, compare);
      // Four callers against two workers: the queue stays short, so every call is answered.
      const cmp = await load(COMPARE_SECONDS, 4, compare);
      const cmpSorted = cmp.latencies;
      agent.destroy();
      if (firstRefusal) console.warn(`the service refused requests; the first with ${firstRefusal}`);
      return [
        metric('getstatus_rps', Math.round(gs.latencies.length / gs.elapsed), 'req/s', { min: 3000 }),
        metric('getstatus_p50_ms', Number(percentile(sorted, 50).toFixed(2)), 'ms'),
        metric('getstatus_p99_ms', Number(percentile(sorted, 99).toFixed(2)), 'ms', { max: 20 }),
        metric('getstatus_errors', gs.errors, 'requests', { max: 0 }),
        metric('getstatus_server_cpu_us', cpuPerRequestUs, 'µs/req'),
        metric('compare_rps', Number((cmp.latencies.length / cmp.elapsed).toFixed(2)), 'req/s'),
        metric('compare_p50_ms', Math.round(percentile(cmpSorted, 50)), 'ms'),
        metric('compare_errors', cmp.errors, 'requests', { max: 0 }),
      ];
    } finally {
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
