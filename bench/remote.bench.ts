import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccessKey } from '../server/admin';
import { createServerLogger } from '../server/log';
import { ReferenceStore } from '../server/references/store';
import { serverKeys, startServer } from '../server/start';
import { chromiumPath, launchChromium } from '../test/support/chromium';
import { cameraFrom, chipPhotoFrom, passiveOnly, VLADO1_HEAD, VLADO_AT_KIOSK } from '../test/support/verify-fixtures';
import { masterKeyEnv } from '../test/server/support/harness';
import { median, metric, type Benchmark } from './harness';
import { load, percentile, postForm, signedBody } from './signed-load';

// Remote verification on our service, in this process on loopback with the real face engine
// (2 worker threads): face_verify `match` against an enrolled chip photo, four callers back to
// back; and the H5 page in a phone-sized headless Chromium with a fake camera, from navigation
// to the first detected face (consent is clicked as soon as the page shows it).

const MATCH_SECONDS = 15;
const PAGE_RUNS = 3;
const ID = '11010519491231002X';
const bench: Benchmark = {
  name: 'remote',
  description: 'remote verification: face_verify match req/s and p99 against an enrolled reference (2 face workers), H5 page load to first detected face (fake camera)',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'renzheng-bench-remote-'));
    const env = masterKeyEnv();
    const server = await startServer({ dataDir, env, faceWorkers: 2, faceQueue: 64, throttle: { ratePerSecond: 1e6, burst: 1e6 }, h5: { capture: passiveOnly }, logger: createServerLogger({ destination: { write: () => true } as never }) });
    try {
      const keys = serverKeys(dataDir, env);
      const key = await createAccessKey(server.repo, keys.secrets);
      await server.repo.createBiz({ name: 'H5Bench', scheme: 'RPH5BioOnly', createdAt: new Date() });
      const store = new ReferenceStore({ repo: server.repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => 'f'.repeat(n * 2) });
      await store.enroll({ idNumber: ID, name: '张三', photo: await chipPhotoFrom('test/fixtures/faces/person-vlado1.jpg', VLADO1_HEAD), sourceKiosk: 'bench', consent: { source: 'operator', at: new Date().toISOString(), wording: 'bench' } });

      const face = (await readFile(join(import.meta.dirname, '../test/fixtures/faces/person-vlado.jpg'))).toString('base64');
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const matchBody = () => signedBody(key, 'ExecuteRequest', '2017-03-31', { Service: 'face_verify', ServiceParameters: JSON.stringify({ method: 'match', name: '张三', certNumber: ID, imgbase64: face }) });
      let firstRefusal: string | undefined;
      const match = async () => {
        const answer = await postForm(agent, server.url, matchBody());
        const same = answer.status === 200 && answer.text.includes('"Z8300"');
        if (!same) firstRefusal ??= answer.text.slice(0, 200);
        return same;
      };
      await load(2, 2, match); // warm-up: the workers load their models
      const matched = await load(MATCH_SECONDS, 4, match);
      agent.destroy();
      if (firstRefusal) console.warn(`match answers other than Z8300; the first: ${firstRefusal}`);

      const firstFace: number[] = [];
      if (chromiumPath) {
        const camera = await cameraFrom('test/fixtures/faces/person-vlado.jpg', VLADO_AT_KIOSK);
        const browser = await launchChromium({ fakeCameraY4m: camera });
        try {
          for (let i = 0; i < PAGE_RUNS; i++) {
            const token = await postForm(new Agent(), server.url, signedBody(key, 'GetVerifyToken', '2018-09-16', { Biz: 'H5Bench', TicketId: `bench-${i}`, Binding: JSON.stringify({ Name: '张三', IdentificationNumber: ID }) }));
            const pageUrl = (JSON.parse(token.text) as { Data: { CloudauthPageUrl: string } }).Data.CloudauthPageUrl;
            // A fresh context per run: nothing cached from the previous load.
            const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
            await context.grantPermissions(['camera']);
            const page = await context.newPage();
            const t0 = performance.now();
            await page.goto(pageUrl);
            await page.click('[data-testid=h5-consent]');
            await page.waitForSelector('[data-face-seen]', { timeout: 120_000 });
            firstFace.push(performance.now() - t0);
            await context.close();
          }
        } finally {
          await browser.close();
        }
      } else {
        console.warn('Chromium is not installed: h5_first_face_ms is not measured (apt-get install chromium).');
      }
      return [
        metric('match_rps', Number((matched.latencies.length / matched.elapsed).toFixed(2)), 'req/s'),
        metric('match_p50_ms', Math.round(percentile(matched.latencies, 50)), 'ms'),
        metric('match_p99_ms', Math.round(percentile(matched.latencies, 99)), 'ms'),
        metric('match_errors', matched.errors, 'requests', { max: 0 }),
        metric('h5_first_face_ms', firstFace.length ? Math.round(median(firstFace)) : Number.NaN, 'ms'),
      ];
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
