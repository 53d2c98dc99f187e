import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readIdentities, sharedFaceFixtures } from './bakeoff/fixtures';
import { FaceDetector } from '../face/detector';
import { classifyGlasses, glassesFeatures, type Glasses } from '../face/glasses';
import { decodeImage } from '../face/image/decode';
import { loadTf } from '../face/runtime';
import { metric, type Benchmark, type Metric } from './harness';

// DetectFaceAttributes' Glasses on the shared face fixtures. identities.tsv has no glasses column: these labels
// were made by looking at each photo. Every other photo is labelled None. The CGI renders are left out
// (full-body scenes, 12-25 px between the eyes: too small to see a frame).

const root = resolve(import.meta.dirname, '..');

const LABELS: Record<string, Glasses> = {
  'faceapi-examples/amy/amy4.png': 'Wear',
  'faceapi-examples/bernadette/bernadette1.png': 'Wear',
  'faceapi-examples/bernadette/bernadette2.png': 'Wear',
  'faceapi-examples/bernadette/bernadette3.png': 'Wear',
  'faceapi-examples/bernadette/bernadette4.png': 'Wear',
  'faceapi-examples/bernadette/bernadette5.png': 'Wear',
  'faceapi-examples/leonard/leonard1.png': 'Wear',
  'faceapi-examples/leonard/leonard4.png': 'Wear',
  'faceapi-examples/leonard/leonard5.png': 'Wear',
  // Mirrored sunglasses (the only sunglasses in the fixtures).
  'human-samples/person-vlado5.jpg': 'Sunglass',
};

export default {
  name: 'glasses',
  description: 'DetectFaceAttributes Glasses (None / Wear / Sunglass) on the labelled shared face fixtures',
  async run(): Promise<Metric[]> {
    const fixturesDir = sharedFaceFixtures(root);
    const detector = await FaceDetector.create(await loadTf(), { attributes: false });
    const photos = (await readIdentities(fixturesDir)).filter((p) => p.identity !== 'cgi-multiangle');
    const confusion = new Map<string, number>();
    const edges: Record<Glasses, number[]> = { None: [], Wear: [], Sunglass: [] };
    for (const p of photos) {
      const image = await decodeImage(await readFile(join(fixturesDir, p.file)));
      const face = (await detector.detect(image))[0];
      if (!face) continue;
      const truth = LABELS[p.file] ?? 'None';
      const features = glassesFeatures(image, face.landmarks);
      const said = classifyGlasses(features);
      edges[truth].push(features.bridge + features.rims);
      confusion.set(`${truth}→${said}`, (confusion.get(`${truth}→${said}`) ?? 0) + 1);
      if (said !== truth) console.log(`  ${p.file}: labelled ${truth}, said ${said} ${JSON.stringify(features)}`);
    }
    const count = (key: string) => confusion.get(key) ?? 0;
    const range = (v: number[]) => (v.length ? `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}` : '-');
    console.log(`confusion (labelled→said): ${JSON.stringify(Object.fromEntries(confusion))}`);
    console.log(`frame edges: None ${range(edges.None)}, Wear ${range(edges.Wear)}, Sunglass ${range(edges.Sunglass)}`);
    const none = edges.None.length, wear = edges.Wear.length;
    const correct = ['None', 'Wear', 'Sunglass'].reduce((n, g) => n + count(`${g}→${g}`), 0);
    return [
      metric('accuracy', correct / (none + wear + edges.Sunglass.length), 'ratio'),
      metric('wear_detected', count('Wear→Wear') / wear, 'ratio'),
      metric('none_said_glasses', (count('None→Wear') + count('None→Sunglass')) / none, 'ratio'),
      metric('sunglass_detected', count('Sunglass→Sunglass') / Math.max(1, edges.Sunglass.length), 'ratio'),
      metric('faces_none', none, 'faces'),
      metric('faces_wear', wear, 'faces'),
      metric('faces_sunglass', edges.Sunglass.length, 'faces'),
    ];
  },
} satisfies Benchmark;
