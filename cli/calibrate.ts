import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fusedSimilarity, REPORTED_FARS } from '../face/calibration';
import { startFaceWorker } from '../face/client';
import type { FaceEmbedding, ImageType } from '../face/compare';
import { checkImageTypes } from '../face/compare';
import { FaceError } from '../face/errors';
import { buildSiteCalibration, TooFewImpostors } from '../face/site-calibration';
import type { EngineFactory } from './compare';
import { parseCommandArgs, printError, printJson, type CliCommand, type CliIo } from './io';

const USAGE = `usage: renzheng calibrate --pairs FILE --out FILE [--far 0.001] [--calibration BASE]
Derives a site calibration from the operator's own consented pairs and writes it to --out; point the kiosk at it
with verify.local.calibrationFile in settings.json.
--pairs FILE: one pair per line, SOURCE<TAB>TARGET[<TAB>SOURCE_TYPE<TAB>TARGET_TYPE]<TAB>LABEL, the compare --pairs
format plus a label: same (one person: genuine) or different (two people: impostor). Relative paths are resolved
from FILE's folder. Use chip photos (IDPic) against kiosk captures (FacePic), as the kiosk compares them.
--far: the false-accept rate the site will run at; refused (exit 2) when there are too few impostor pairs to
support it (about 3/FAR: 2,995 for 0.001). Smaller FARs the pairs cannot support keep the shipped thresholds.
Prints {"calibration":FILE,"thresholds":{…},"genuinePairs":n,"impostorPairs":n,"skipped":[…]}.
`;

export interface LabelledPair {
  source: string;
  target: string;
  sourceType: string;
  targetType: string;
  genuine: boolean;
}

const LABELS: Record<string, boolean> = { same: true, genuine: true, '1': true, different: false, impostor: false, '0': false };

/** Parse a labelled pairs file (blank lines and # comments skipped); throws on the first bad line, naming it. */
export function parseLabelledPairs(text: string, baseDir: string): LabelledPair[] {
  const out: LabelledPair[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cells = line.split('\t');
    const label = LABELS[(cells.at(-1) ?? '').trim().toLowerCase()];
    if ((cells.length !== 3 && cells.length !== 5) || label === undefined) {
      throw new Error(`line ${index + 1}: expected SOURCE<TAB>TARGET[<TAB>SOURCE_TYPE<TAB>TARGET_TYPE]<TAB>same|different`);
    }
    const [source, target] = cells as [string, string];
    const [sourceType, targetType] = cells.length === 5 ? [cells[2]!, cells[3]!] : ['IDPic', 'FacePic'];
    out.push({ source: resolve(baseDir, source), target: resolve(baseDir, target), sourceType, targetType, genuine: label });
  });
  return out;
}

export function createCalibrateCommand(startEngine: EngineFactory): CliCommand {
  return async (args: string[], io: CliIo) => {
    const parsed = parseCommandArgs(io, 'calibrate', USAGE, {
      args,
      options: {
        pairs: { type: 'string' },
        out: { type: 'string' },
        far: { type: 'string', default: '0.001' },
        calibration: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    const far = Number(values.far);
    if (!values.pairs || !values.out || !REPORTED_FARS.some((f) => Number(f) === far)) {
      io.stderr(`renzheng calibrate: need --pairs and --out, and --far one of ${REPORTED_FARS.join(', ')}\n${USAGE}`);
      return 2;
    }
    let pairs: LabelledPair[];
    try {
      pairs = parseLabelledPairs(await readFile(values.pairs, 'utf8'), dirname(resolve(values.pairs)));
      for (const p of pairs) checkImageTypes(p.sourceType, p.targetType);
    } catch (error) {
      printError(io, 'InvalidParam.ParamMissing', `The pairs file ${values.pairs} is unusable (${error instanceof Error ? error.message : String(error)}).`);
      return 2;
    }
    const engine = await startEngine({ calibrationPath: values.calibration }).catch((error: unknown) => error as Error);
    if (engine instanceof Error) {
      printError(io, engine instanceof FaceError ? engine.code : 'Error.InternalError', engine.message);
      return 2;
    }
    const skipped: { line: string; reason: string }[] = [];
    try {
      const cache = new Map<string, Promise<FaceEmbedding>>();
      const embed = (path: string, type: string) => {
        const key = `${type}\0${path}`;
        if (!cache.has(key)) cache.set(key, readFile(path).then((bytes) => engine.embed(bytes, type as ImageType)));
        return cache.get(key)!;
      };
      const scores = { genuine: [] as number[], impostor: [] as number[] };
      for (const p of pairs) {
        try {
          const [a, b] = [await embed(p.source, p.sourceType), await embed(p.target, p.targetType)];
          (p.genuine ? scores.genuine : scores.impostor).push(fusedSimilarity(a.vector, b.vector, engine.calibration.model.members));
        } catch (error) {
          // A pair the engine cannot judge (no face, quality) is left out and listed: it says nothing about thresholds.
          skipped.push({ line: `${p.source}\t${p.target}`, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      const calibration = buildSiteCalibration(engine.calibration, scores, far, values.pairs);
      await writeFile(values.out, `${JSON.stringify(calibration, null, 2)}\n`);
      printJson(io, {
        calibration: resolve(values.out),
        thresholds: calibration.thresholds,
        genuinePairs: scores.genuine.length,
        impostorPairs: scores.impostor.length,
        skipped,
      });
      return 0;
    } catch (error) {
      if (error instanceof TooFewImpostors) {
        printError(io, 'InvalidParam.TooFewImpostorPairs', error.message, { have: error.have, need: error.need, far: error.far, skipped });
        return 2;
      }
      throw error;
    } finally {
      await engine.close();
    }
  };
}

export const run: CliCommand = createCalibrateCommand((options) => startFaceWorker({ ...options, attributes: false, workers: 1 }));
