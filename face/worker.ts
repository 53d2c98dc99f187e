import { parentPort, workerData } from 'node:worker_threads';
import { loadCalibration } from './calibration';
import { FaceEngine } from './engine';
import { toFaceErrorData } from './errors';
import type { FaceReady, FaceRequest, FaceResponse, FaceWorkerData } from './worker-protocol';

// Worker-thread entry: loads the models once and answers embed/detectAttributes requests one at a time (the wasm backend is
// single-threaded, so queueing here keeps memory flat and latencies predictable).
// Bundled to out/main/face-worker.js; started by face/client.ts.

const port = parentPort;
if (!port) throw new Error('face/worker.ts must run in a worker thread; use startFaceWorker() from face/client.ts.');
const options = (workerData ?? {}) as FaceWorkerData;

async function handle(engine: FaceEngine, request: FaceRequest): Promise<FaceResponse> {
  try {
    switch (request.op) {
      case 'embed':
        return { id: request.id, ok: true, value: await engine.embed(request.image, request.type) };
      case 'detectAttributes':
        return { id: request.id, ok: true, value: await engine.detectAttributes(request.image, request.maxFaces) };
    }
  } catch (error) {
    return { id: request.id, ok: false, error: toFaceErrorData(error) };
  }
}

try {
  const started = performance.now();
  const calibration = options.calibrationPath ? loadCalibration(options.calibrationPath) : undefined;
  const engine = await FaceEngine.create({ calibration, attributes: options.attributes, modelDirs: options.modelDirs });
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', (request: FaceRequest) => {
    queue = queue.then(async () => port.postMessage(await handle(engine, request)));
  });
  port.postMessage({ ready: true, calibration: engine.calibration, loadMs: performance.now() - started } satisfies FaceReady);
} catch (error) {
  port.postMessage({ ready: false, error: toFaceErrorData(error) } satisfies FaceReady);
}
