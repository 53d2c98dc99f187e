import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { startFaceWorker, type FaceEngineApi } from '../face/client';
import { checkImageTypes, compareEmbeddings, type CompareResult, type FaceEmbedding, type ImageType } from '../face/compare';
import { FaceError } from '../face/errors';
import { runCloudauthCompare } from './cloudauth-compare';
import { parseCommandArgs, usageError, printError, printJson, type CliCommand, type CliIo } from './io';

const USAGE = `usage: renzheng compare SOURCE TARGET [--source-type FacePic|IDPic] [--target-type FacePic|IDPic] [--calibration FILE]
       renzheng compare --pairs FILE [--calibration FILE]
       renzheng compare SOURCE TARGET --provider cloudauth …   (see renzheng compare --provider cloudauth --help)
Compares the largest face of each image on the local face engine (JPEG, PNG or 24-bit BMP) and prints
{"SimilarityScore":n,"ConfidenceThresholds":{"0.0001":n,"0.001":n,"0.01":n}}; errors exit 2 with {"error":{…}}.
--pairs FILE: one pair per line, SOURCE<TAB>TARGET[<TAB>SOURCE_TYPE<TAB>TARGET_TYPE] (relative paths are
resolved from FILE's folder); prints one JSON object per line in input order; exits 0 once every line is answered.
`;

/** Starts the engine; injected so tests can share one engine across many CLI calls. */
export type EngineFactory = (options: { calibrationPath?: string }) => Promise<FaceEngineApi>;

interface PairLine {
  source: string;
  target: string;
  sourceType: string;
  targetType: string;
}

/** Parse a pairs file: blank lines and lines starting with # are skipped. */
export function parsePairs(text: string, baseDir: string): (PairLine | { error: string })[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const cells = line.split('\t');
      if (cells.length !== 2 && cells.length !== 4) return { error: `expected 2 or 4 tab-separated fields, got ${cells.length}` };
      const [source, target, sourceType = 'FacePic', targetType = 'FacePic'] = cells as [string, string, string?, string?];
      return { source: resolve(baseDir, source), target: resolve(baseDir, target), sourceType, targetType };
    });
}

function errorObject(error: unknown): { error: { code: string; message: string; quality?: FaceError['quality'] } } {
  if (error instanceof FaceError) return { error: { code: error.code, message: error.message, ...(error.quality ? { quality: error.quality } : {}) } };
  return { error: { code: 'Error.InternalError', message: error instanceof Error ? error.message : String(error) } };
}

/**
 * Embeds each distinct image once per run (per type: an IDPic is embedded with the chip augmentation);
 * a failure is remembered too, so it is reported for every line using that image.
 */
function embedCache(engine: FaceEngineApi) {
  const cache = new Map<string, Promise<FaceEmbedding>>();
  return (path: string, type: ImageType): Promise<FaceEmbedding> => {
    const key = `${type}\0${path}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = readFile(path).then(
        (bytes) => engine.embed(bytes, type),
        (e: NodeJS.ErrnoException) => {
          throw new FaceError('InvalidParam.ImageValuePatternError', `Cannot read image ${path} (${e.code ?? e.message}).`);
        },
      );
      cache.set(key, hit);
    }
    return hit;
  };
}

async function comparePair(engine: FaceEngineApi, embed: ReturnType<typeof embedCache>, pair: PairLine): Promise<CompareResult> {
  checkImageTypes(pair.sourceType, pair.targetType);
  const [a, b] = [await embed(pair.source, pair.sourceType as ImageType), await embed(pair.target, pair.targetType as ImageType)];
  return compareEmbeddings(a, b, engine.calibration);
}

export function createCompareCommand(startEngine: EngineFactory): CliCommand {
  return async (args: string[], io: CliIo) => {
    if (args.includes('--provider')) {
      const i = args.indexOf('--provider');
      if (args[i + 1] === 'cloudauth') return runCloudauthCompare(args, io);
    }
    if (args.some((a) => a.startsWith('--provider=cloudauth'))) return runCloudauthCompare(args, io);
    const parsed = parseCommandArgs(io, 'compare', USAGE, {
      args,
      options: {
        provider: { type: 'string', default: 'local' },
        'source-type': { type: 'string', default: 'FacePic' },
        'target-type': { type: 'string', default: 'FacePic' },
        pairs: { type: 'string' },
        calibration: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (values.provider !== 'local') {
      return usageError(io, 'compare', `unknown provider '${values.provider}' (local or cloudauth)`, USAGE);
    }
    const batch = values.pairs !== undefined;
    if (batch ? positionals.length !== 0 : positionals.length !== 2) {
      return usageError(io, 'compare', `${batch ? '--pairs takes no SOURCE/TARGET' : 'need SOURCE and TARGET'}`, USAGE);
    }
    let pairs: ReturnType<typeof parsePairs>;
    if (batch) {
      try {
        pairs = parsePairs(await readFile(values.pairs!, 'utf8'), dirname(resolve(values.pairs!)));
      } catch (error) {
        printError(io, 'InvalidParam.ParamMissing', `Cannot read the pairs file ${values.pairs} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
        return 2;
      }
    } else {
      const single = { source: resolve(positionals[0]!), target: resolve(positionals[1]!), sourceType: values['source-type'], targetType: values['target-type'] };
      try {
        checkImageTypes(single.sourceType, single.targetType); // before paying for the models
      } catch (error) {
        printJson(io, errorObject(error));
        return 2;
      }
      pairs = [single];
    }

    let engine: FaceEngineApi;
    try {
      engine = await startEngine({ calibrationPath: values.calibration });
    } catch (error) {
      printJson(io, errorObject(error));
      return 2;
    }
    try {
      const embed = embedCache(engine);
      let failed = 0;
      for (const pair of pairs) {
        try {
          if ('error' in pair) throw new FaceError('InvalidParam.ParamMissing', `Bad pairs line: ${pair.error}.`);
          printJson(io, await comparePair(engine, embed, pair));
        } catch (error) {
          failed++;
          printJson(io, errorObject(error));
        }
      }
      return batch || failed === 0 ? 0 : 2;
    } finally {
      await engine.close();
    }
  };
}

// One worker: a CLI run is dominated by model loading, and batch mode embeds one image at a time.
export const run: CliCommand = createCompareCommand((options) => startFaceWorker({ ...options, attributes: false, workers: 1 }));

