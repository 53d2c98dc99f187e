import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The shared face fixtures (../shared/fixtures/faces next to the repository, or RENZHENG_FACE_FIXTURES).
 * Throws with what to do when they are not there.
 */
export function sharedFaceFixtures(repoRoot: string): string {
  const dir = process.env.RENZHENG_FACE_FIXTURES ?? resolve(repoRoot, '..', 'shared', 'fixtures', 'faces');
  if (!existsSync(join(dir, 'identities.tsv'))) {
    throw new Error(`Face fixtures not found at ${dir}; set RENZHENG_FACE_FIXTURES to the shared fixtures/faces folder.`);
  }
  return dir;
}

/** One photo of the shared face fixtures with its identity. */
export interface FixturePhoto {
  file: string;
  identity: string;
}

/** Read identities.tsv (file<TAB>identity, '-' = no single subject, which is skipped). */
export async function readIdentities(fixturesDir: string): Promise<FixturePhoto[]> {
  const text = await readFile(join(fixturesDir, 'identities.tsv'), 'utf8');
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cells): cells is [string, string] => cells.length >= 2 && !!cells[0] && !!cells[1] && cells[1] !== '-')
    .map(([file, identity]) => ({ file, identity: identity.trim() }));
}

/**
 * Genuine pairs: chip mimic of photo i vs full-size photo j ≠ i of the same identity (ordered, both ways).
 * Impostor pairs: chip mimic of i vs full-size j of any other identity.
 */
export function buildPairs(photos: readonly FixturePhoto[]): { genuine: [number, number][]; impostor: [number, number][] } {
  const genuine: [number, number][] = [];
  const impostor: [number, number][] = [];
  photos.forEach((a, i) =>
    photos.forEach((b, j) => {
      if (i === j) return;
      (a.identity === b.identity ? genuine : impostor).push([i, j]);
    }),
  );
  return { genuine, impostor };
}

/** A benchmark face set under ../shared/fixtures (never copied into the project: see each README). */
export interface FaceSet {
  /** Name used in metrics and tables. */
  name: string;
  dir: string;
  /** Convert every photo to grayscale first (what grayscale does to a model, on the colour fixtures). */
  gray: boolean;
  /** What the set is: shown in tables. */
  description: string;
}

/** The sets the accuracy bench uses, those that exist next to the repository; the colour fixtures are required. */
export function benchFaceSets(repoRoot: string): FaceSet[] {
  const faces = sharedFaceFixtures(repoRoot);
  const shared = resolve(faces, '..');
  const sets: FaceSet[] = [
    { name: 'colour', dir: faces, gray: false, description: 'colour fixtures (86 photos, mostly not East Asian)' },
    { name: 'colour-gray', dir: faces, gray: true, description: 'the colour fixtures converted to grayscale' },
    { name: 'lfw-dev', dir: join(shared, 'faces-lfw-dev'), gray: false, description: 'LFW dev set (grayscale news photos, 137 people)' },
    { name: 'cn-impostors', dir: join(shared, 'faces-cn-impostors'), gray: false, description: 'East-Asian public figures, one photo each (impostor pairs only)' },
  ];
  return sets.filter((s) => {
    const ok = existsSync(join(s.dir, 'identities.tsv'));
    if (!ok) console.log(`face set ${s.name} skipped: ${s.dir}/identities.tsv not found`);
    return ok;
  });
}
