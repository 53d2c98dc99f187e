import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { metric, median, type Benchmark, type Metric } from './harness';
import { launchChromium } from '../test/support/chromium';
import { repoRoot, startTestWebHost } from '../test/support/test-kiosk';
import { headFrame, videoDir, writeVideo } from '../test/renderer/capture-videos';
import { captureHumanConfig } from '../renderer/src/capture/human-config';
import type { BrowserBackend } from '../capture/backend';

/**
 * Detection frames per second of the kiosk's capture loop against a bare Human detect loop, on
 * the same fake-camera video, in the same browser, with the same Human config, side by side.
 * The capture loop is held in its challenge phase (a still face never blinks) so it detects
 * continuously; the ratio is the cost of everything the loop adds (frame copy, pixel measures,
 * session, React overlay).
 */
const WARMUP_MS = 3000;
const MIN_FRAMES_FOR_GOAL = 50;
/** Per backend: wasm runs about 20 fps here; SwiftShader WebGL under 1 fps needs long windows, so fewer. */
const WINDOWS: Record<BrowserBackend, { count: number; ms: number }> = {
  wasm: { count: 7, ms: 4000 },
  webgl: { count: 3, ms: 15_000 },
  webgpu: { count: 7, ms: 4000 },
};

/**
 * The bare loop: the same yield per frame as the capture loop, nothing else. It shows the same
 * mirrored preview at the same size as the kiosk (scaling video in software costs CPU here), so
 * the ratio measures the loop, not the preview.
 */
const RAW_PAGE = `<!doctype html><meta charset="utf-8">
<style>video { width: min(72vw, 960px); aspect-ratio: 16 / 9; object-fit: cover; transform: scaleX(-1); }</style>
<video id="v" muted playsinline autoplay></video>
<script type="module">
import { Human } from './human.esm.js';
const config = JSON.parse(new URLSearchParams(location.search).get('config'));
const video = document.getElementById('v');
video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
await video.play();
const human = new Human(config);
await human.load();
const next = () => new Promise((r) => { const t = setTimeout(r, 100); video.requestVideoFrameCallback(() => { clearTimeout(t); r(); }); });
window.rawFrames = 0;
window.rawBackend = human.tf.getBackend();
window.rawMissing = human.models.stats().modelStats.filter((m) => !m.loaded).map((m) => m.name);
window.rawPaused = false;
for (;;) { if (window.rawPaused) { await new Promise((r) => setTimeout(r, 50)); continue; } await next(); if (video.readyState >= 2 && !window.rawPaused) { await human.detect(video); window.rawFrames++; } }
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream', '.wasm': 'application/wasm', '.html': 'text/html' };

/** Serves the raw page, Human's ESM build and the same model and wasm files the app serves. */
async function startRawServer(): Promise<{ server: Server; origin: string }> {
  const routes: [string, string][] = [
    ['/human.esm.js', join(repoRoot, 'node_modules/@vladmandic/human/dist/human.esm.js')],
    ['/human/', join(repoRoot, 'out/renderer/human/')],
  ];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(RAW_PAGE);
      return;
    }
    const route = routes.find(([prefix]) => path === prefix || (prefix.endsWith('/') && path.startsWith(prefix)));
    if (!route) return void res.writeHead(404).end();
    const file = route[0].endsWith('/') ? normalize(join(route[1], path.slice(route[0].length))) : route[1];
    if (!file.startsWith(route[1].endsWith('/') ? route[1] : file)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A running loop: its page and a page expression that gives its detection count. */
interface LoopUnderTest {
  page: Page;
  frames: string;
  close(): Promise<void>;
}

async function sample(loop: LoopUnderTest): Promise<{ frames: number; at: number }> {
  // Timed with the page's own clock, so CDP latency does not enter the rate.
  return loop.page.evaluate<{ frames: number; at: number }>(`({ frames: Number(${loop.frames}), at: performance.now() })`);
}

async function startRawLoop(browser: Browser, origin: string, backend: BrowserBackend): Promise<LoopUnderTest> {
  const page = await browser.newPage();
  const config = { ...captureHumanConfig(backend, `${origin}/`), cacheModels: false };
  await page.goto(`${origin}/?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction("typeof window.rawFrames === 'number'", undefined, { timeout: 180_000 });
  const state = await page.evaluate<{ backend: string; missing: string[] }>('({ backend: window.rawBackend, missing: window.rawMissing })');
  if (state.backend !== backend || state.missing.length) throw new Error(`raw loop runs ${state.backend} with missing models [${state.missing.join(', ')}]`);
  return { page, frames: 'window.rawFrames', close: () => page.close() };
}

async function startCaptureLoop(browser: Browser, backend: BrowserBackend): Promise<LoopUnderTest> {
  const host = await startTestWebHost({
    settings: { capture: { preferredBackend: backend, activeChallenges: ['blink'], challengeTimeoutMs: 600_000, captureTimeoutMs: 600_000 } },
  });
  const page = await browser.newPage();
  await page.goto(host.openUrl());
  await page.click('[data-testid=simulate-card]');
  await page.click('[data-testid=consent-accept]', { timeout: 15_000 });
  await page.waitForSelector('[data-testid=capture-screen][data-capture-phase=challenge]', { timeout: 180_000 });
  const chosen = await page.getAttribute('[data-testid=capture-screen]', 'data-backend');
  if (chosen !== backend) throw new Error(`capture loop runs ${chosen}, not ${backend}`);
  return {
    page,
    frames: "document.querySelector('[data-testid=capture-screen]')?.getAttribute('data-loop-frames')",
    close: async () => {
      await page.close();
      await host.close();
    },
  };
}

async function fps(loop: LoopUnderTest, windowMs: number): Promise<number> {
  const a = await sample(loop);
  await loop.page.waitForTimeout(windowMs);
  const b = await sample(loop);
  return ((b.frames - a.frames) * 1000) / (b.at - a.at);
}

interface Measured {
  /** Each loop alone on the machine (the other paused or not started yet). */
  soloOurs: number;
  soloRaw: number;
  /** Per-window fps and ratios with both loops running side by side. */
  ours: number[];
  raw: number[];
  ratios: number[];
  /** Fewest detections either loop made over all side-by-side windows. */
  minFrames: number;
}

async function measure(browser: Browser, origin: string, backend: BrowserBackend): Promise<Measured> {
  const { count, ms: windowMs } = WINDOWS[backend];
  const raw = await startRawLoop(browser, origin, backend);
  let ours: LoopUnderTest | null = null;
  try {
    await raw.page.waitForTimeout(WARMUP_MS);
    const soloRaw = await fps(raw, windowMs);
    // Paused, preview too, so the raw page costs nothing while our loop is measured alone.
    await raw.page.evaluate("window.rawPaused = true; document.getElementById('v').pause()");
    ours = await startCaptureLoop(browser, backend);
    await ours.page.waitForTimeout(WARMUP_MS);
    const soloOurs = await fps(ours, windowMs);
    await raw.page.evaluate("window.rawPaused = false; document.getElementById('v').play()");
    await ours.page.waitForTimeout(WARMUP_MS);
    const result: Measured = { soloOurs, soloRaw, ours: [], raw: [], ratios: [], minFrames: 0 };
    let oursFrames = 0;
    let rawFrames = 0;
    for (let w = 0; w < count; w++) {
      const [o0, r0] = await Promise.all([sample(ours), sample(raw)]);
      await ours.page.waitForTimeout(windowMs);
      const [o1, r1] = await Promise.all([sample(ours), sample(raw)]);
      const oFps = ((o1.frames - o0.frames) * 1000) / (o1.at - o0.at);
      const rFps = ((r1.frames - r0.frames) * 1000) / (r1.at - r0.at);
      result.ours.push(oFps);
      result.raw.push(rFps);
      result.ratios.push(oFps / rFps);
      oursFrames += o1.frames - o0.frames;
      rawFrames += r1.frames - r0.frames;
    }
    result.minFrames = Math.min(oursFrames, rawFrames);
    return result;
  } finally {
    await ours?.close();
    await raw.close();
  }
}

/** wasm always; webgl when a context opens (here SwiftShader, about 1 fps); webgpu with an adapter. */
async function availableBackends(browser: Browser, origin: string): Promise<BrowserBackend[]> {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/human/models/blazeface.json`);
    const probe = await page.evaluate<{ webgl: boolean; webgpu: boolean }>(`(async () => ({
      webgl: Boolean(document.createElement('canvas').getContext('webgl2')),
      webgpu: Boolean(navigator.gpu && await navigator.gpu.requestAdapter()),
    }))()`);
    return ['wasm', ...(probe.webgl ? ['webgl' as const] : []), ...(probe.webgpu ? ['webgpu' as const] : [])];
  } finally {
    await page.close();
  }
}

const bench: Benchmark = {
  name: 'capture',
  description: 'capture loop vs raw Human detect loop, detection fps on the same fake-camera video',
  /**
   * Each loop is first measured alone (informational: on a shared machine the two solo windows
   * see different background load). The goal metric runs both at once on the same camera over the
   * same windows, so outside load hits both alike; it is the median of the per-window ratios.
   */
  async run(): Promise<Metric[]> {
    const dir = videoDir();
    const video = await writeVideo(`${dir}/bench.y4m`, [{ i420: await headFrame('linda'), repeat: 30 }]);
    const browser = await launchChromium({ fakeCameraY4m: video });
    const { server, origin } = await startRawServer();
    const metrics: Metric[] = [];
    try {
      // Every backend this browser has; RENZHENG_BENCH_BACKENDS=wasm,webgl narrows the list.
      const wanted = (process.env.RENZHENG_BENCH_BACKENDS ?? 'wasm,webgl,webgpu').split(',') as BrowserBackend[];
      const available = await availableBackends(browser, origin);
      for (const backend of wanted) {
        if (!available.includes(backend)) {
          console.log(`capture bench ${backend}: not available in this browser, not measured`);
          continue;
        }
        let m: Measured;
        try {
          m = await measure(browser, origin, backend);
        } catch (error) {
          console.error(`capture bench: backend ${backend} not measured: ${(error as Error).message}`);
          continue;
        }
        const suffix = backend === 'wasm' ? '' : `_${backend}`;
        const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
        console.log(`capture bench ${backend}: alone ours ${m.soloOurs.toFixed(2)} / raw ${m.soloRaw.toFixed(2)} fps; side by side ours [${fmt(m.ours)}] raw [${fmt(m.raw)}] ratios [${fmt(m.ratios)}]`);
        metrics.push(metric(`capture_loop_fps_${backend}`, m.soloOurs, 'fps'));
        metrics.push(metric(`raw_detect_fps_${backend}`, m.soloRaw, 'fps'));
        metrics.push(metric(`solo_loop_vs_raw_fps_ratio_${backend}`, m.soloOurs / m.soloRaw, 'ratio'));
        // A ratio of a handful of frames (SwiftShader WebGL: a few per window) is noise, not a result.
        const judged = m.minFrames >= MIN_FRAMES_FOR_GOAL;
        if (!judged) console.log(`capture bench ${backend}: only ${m.minFrames} frames per loop, ratio reported without a goal`);
        metrics.push(metric(`loop_vs_raw_fps_ratio${suffix}`, median(m.ratios), 'ratio', judged ? { min: 0.95 } : undefined));
      }
    } finally {
      await browser.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    if (metrics.length === 0) throw new Error('no backend could be measured');
    return metrics;
  },
};

export default bench;
