import { describe, expect, it } from 'vitest';
import { buildPairs } from '../../../face/bakeoff/fixtures';
import { cgiCharacter, pairFilter, withCgiCharacters, type Protocol } from '../../../face/bakeoff/protocols';
import type { BakeoffData, PhotoEmbeddings, PhotoMeta } from '../../../face/bakeoff/run';

const vec = { plain: [1], mirrored: [1] };
const frontalPose = { pitch: 0, yaw: 0.1, roll: 0 };

/** Four photos: a sharp frontal one, a small-faced one, a turned one (no chip face found), a CGI render. */
function data(): BakeoffData {
  const photos = [
    { file: 'a.jpg', identity: 'person-a' },
    { file: 'b.jpg', identity: 'person-b' },
    { file: 'c.jpg', identity: 'person-c' },
    { file: 'cgi-1.jpg', identity: 'cgi-multiangle' },
  ];
  const meta: PhotoMeta[] = [
    { fullPose: frontalPose, fullEyeDistance: 60, chipEyeDistance: 25, chipBytes: 1200 },
    { fullPose: frontalPose, fullEyeDistance: 14, chipEyeDistance: 24, chipBytes: 1200 },
    { fullPose: { pitch: 0, yaw: 0.9, roll: 0 }, fullEyeDistance: 50, chipEyeDistance: null, chipBytes: 1100 },
    { fullPose: frontalPose, fullEyeDistance: 45, chipEyeDistance: 26, chipBytes: 1300 },
  ];
  const row = (chip: boolean): PhotoEmbeddings => ({ full: vec, fullLow: vec, chip: chip ? vec : null, chip2x: vec, chipJitter: null });
  return {
    photos,
    genuine: [],
    impostor: [],
    missing: { full: 0, chip: 1, chip2x: 0 },
    detectMs: 0,
    meta,
    chipEyeDistance: 25,
    variants: [{ key: 'm', msPerFace: 1, photos: [row(true), row(true), row(false), row(true)] }],
  };
}

const kept = (protocol: Protocol) => {
  const keep = pairFilter(data(), protocol);
  const pairs: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 0], [2, 0], [3, 0]];
  return pairs.filter((p) => keep(p)).map(([i, j]) => `${i}${j}`);
};

describe('bake-off protocols', () => {
  it('keeps every pair for "all", and only pairs with a face in the chip and the full photo for "detected"', () => {
    expect(kept('all')).toEqual(['01', '02', '03', '10', '20', '30']);
    expect(kept('detected')).toEqual(['01', '02', '03', '10', '30']); // photo 2's chip has no face
  });

  it('drops turned heads for "frontal", faces smaller than a chip\'s for "chip-resolution", renders for "photographs"', () => {
    expect(kept('frontal')).toEqual(['01', '03', '10', '30']);
    expect(kept('chip-resolution')).toEqual(['02', '03', '30']);
    expect(kept('photographs')).toEqual(['01', '02', '10']);
  });
});

describe('CGI renders by character', () => {
  const cgi = (n: string) => ({ file: `human-samples/cgi-multiangle-${n}.jpg`, identity: 'cgi-multiangle' });

  it('splits the renders into their characters and leaves other identities alone', () => {
    expect(cgiCharacter(cgi('1'))).toBe(cgiCharacter(cgi('11')));
    expect(cgiCharacter(cgi('2'))).not.toBe(cgiCharacter(cgi('3')));
    expect(cgiCharacter({ file: 'a.jpg', identity: 'person-a' })).toBe('person-a');
  });

  it('refuses a render nobody has looked at, instead of guessing its character', () => {
    expect(() => cgiCharacter(cgi('12'))).toThrow(/cgi-multiangle-12\.jpg is not in CGI_CHARACTERS/);
  });

  it('turns pairs across characters into impostor pairs and keeps the same character genuine', () => {
    const base = data();
    const photos = [base.photos[0]!, cgi('1'), cgi('11'), cgi('2')];
    const relabelled = withCgiCharacters({ ...base, photos, ...buildPairs(photos) });
    expect(relabelled.genuine).toEqual([[1, 2], [2, 1]]);
    expect(relabelled.impostor).toContainEqual([1, 3]);
    expect(relabelled.impostor).toHaveLength(12 - 2);
  });
});
