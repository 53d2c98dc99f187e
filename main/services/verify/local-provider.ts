import { modelName, REPORTED_FARS, thresholdForFar } from '../../../face/calibration';
import { startFaceWorker, type FaceEngineApi, type StartFaceWorkerOptions } from '../../../face/client';
import { FaceError } from '../../../face/errors';
import { reasonForCode, type VerifyInput, type VerifyOutcome, type VerifyProvider } from './provider';

export interface LocalProviderOptions {
  /** False-accept rate the pass threshold is taken at; one of the calibrated FARs (0.0001, 0.001, 0.01). Default 0.001. */
  far?: number;
  /** An engine to use (tests, or a shell that shares one engine); by default a face worker thread is started. */
  engine?: FaceEngineApi | Promise<FaceEngineApi>;
  /** Options for the worker started when no engine is given (calibration file, worker path). */
  worker?: StartFaceWorkerOptions;
}

/**
 * The embedded verifier: compares the chip photo (IDPic) with the live capture (FacePic) on the local
 * face engine. It reports SimilarityScore and the calibrated threshold at the chosen FAR; the verify service applies the pass rule.
 */
export function createLocalProvider(options: LocalProviderOptions = {}): VerifyProvider {
  const far = options.far ?? 0.001;
  if (!REPORTED_FARS.some((f) => Number(f) === far)) {
    throw new RangeError(`Local face engine: FAR ${far} is not calibrated; choose one of ${REPORTED_FARS.join(', ')}.`);
  }
  const owned = !options.engine;
  let engine: FaceEngineApi | null = null;
  let failure: FaceError | null = null;
  // Verification needs no attribute models (age/gender/emotion): leave them unloaded.
  const starting = Promise.resolve(options.engine ?? startFaceWorker({ attributes: false, ...options.worker })).then(
    (e) => (engine = e),
    (error: unknown) => {
      failure = error instanceof FaceError ? error : new FaceError('Error.InternalError', String(error));
      return null;
    },
  );

  const aborted = (): VerifyOutcome => ({ kind: 'error', reason: 'cancelled', providerCode: null, message: 'The verification was cancelled.' });
  const failed = (error: FaceError): VerifyOutcome => ({ kind: 'error', reason: reasonForCode(error.code), providerCode: error.code, message: error.message });

  return {
    name: 'local',
    status() {
      if (failure) return { ready: false, detail: `Local face engine failed to start: ${failure.message}` };
      if (!engine) return { ready: false, loading: true, detail: 'Loading the local face models…' };
      return { ready: true, detail: `Local face engine ready (${modelName(engine.calibration)}, FAR ${far} → score ${thresholdForFar(engine.calibration, far)})` };
    },
    async verify(input: VerifyInput): Promise<VerifyOutcome> {
      input.onStage?.('preparing');
      if (input.signal?.aborted) return aborted();
      const ready = await starting;
      if (!ready) return failed(failure!);
      if (input.signal?.aborted) return aborted();
      input.onStage?.('comparing');
      try {
        const result = await ready.compare(input.reference.bytes, input.live, { sourceType: 'IDPic', targetType: 'FacePic' });
        if (input.signal?.aborted) return aborted();
        const threshold = thresholdForFar(ready.calibration, far);
        return { kind: 'compared', score: result.SimilarityScore, threshold, far };
      } catch (error) {
        // A face that cannot be judged is not a mismatch: a live photo can be taken again; a chip photo cannot.
        if (error instanceof FaceError && error.quality) {
          const reason = error.quality.image === 'FacePic' ? 'capture-again' : 'chip-photo-unusable';
          return { kind: 'error', reason, providerCode: error.code, message: error.message };
        }
        if (error instanceof FaceError) return failed(error);
        throw error;
      }
    },
    async close() {
      const e = await starting;
      if (owned && e) await e.close();
    },
  };
}
