import { performance } from 'node:perf_hooks';
import { median, metric, type Benchmark } from './harness';
import { startTestWebHost } from '../test/support/test-kiosk';
import { contractUrls, WsContract } from '../test/support/ws-contract';

const CALLS = 2000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Round-trip latency of contract calls through the web host's WebSocket, as the renderer sees it. */
export default {
  name: 'contract',
  description: `web-host contract round trip (system.info over WebSocket, ${CALLS} sequential calls)`,
  async run() {
    const host = await startTestWebHost();
    const { ws, origin, cookie } = contractUrls(host);
    const client = await WsContract.connect(ws, origin, cookie);
    try {
      for (let i = 0; i < 200; i++) await client.call('system.info', {}); // warm-up
      const times: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const start = performance.now();
        const result = await client.call('system.info', {});
        times.push(performance.now() - start);
        if (!result.ok) throw new Error(`system.info failed: ${JSON.stringify(result)}`);
      }
      const started = performance.now();
      await Promise.all(Array.from({ length: CALLS }, () => client.call('reader.status', {})));
      const throughput = CALLS / ((performance.now() - started) / 1000);
      return [
        metric('roundtrip_ms_p50', median(times), 'ms', { max: 2 }),
        metric('roundtrip_ms_p95', percentile(times, 95), 'ms', { max: 5 }),
        metric('roundtrip_ms_max', Math.max(...times), 'ms'),
        metric('pipelined_calls_per_s', Math.round(throughput), 'calls/s'),
      ];
    } finally {
      client.close();
      await host.close();
    }
  },
} satisfies Benchmark;
