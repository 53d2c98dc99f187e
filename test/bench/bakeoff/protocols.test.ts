import { describe, expect, it } from 'vitest';
import { pairScores, scoreSet } from '../../../bench/bakeoff/evaluate';
import { isSynthetic, photoFilter, restrict, type PhotoFacts } from '../../../bench/bakeoff/protocols';

// Four photos: a sharp frontal one, a small-faced one, a turned one whose chip mimic has no face, a CGI render.
const facts: PhotoFacts[] = [
  { identity: 'person-a', chipFound: true, fullFound: true, chipEyeDistance: 25, fullEyeDistance: 60, fullTurn: 0.05 },
  { identity: 'person-b', chipFound: true, fullFound: true, chipEyeDistance: 24, fullEyeDistance: 14, fullTurn: 0.1 },
  { identity: 'person-c', chipFound: false, fullFound: true, chipEyeDistance: null, fullEyeDistance: 50, fullTurn: 0.45 },
  { identity: 'cgi-black-bob', chipFound: true, fullFound: true, chipEyeDistance: 26, fullEyeDistance: 45, fullTurn: 0.02 },
];
const kept = (p: Parameters<typeof photoFilter>[0]) => {
  const keep = photoFilter(p, facts);
  return [0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3].filter((j) => i !== j && keep(i, j)).map((j) => `${i}${j}`));
};

describe('bake-off protocols', () => {
  it('all keeps every pair; detected drops pairs whose chip mimic had no face', () => {
    expect(kept('all')).toHaveLength(12);
    expect(kept('detected')).not.toContain('20');
    expect(kept('detected')).toContain('02');
  });

  it('frontal drops a turned source photo on either side', () => {
    expect(kept('frontal').some((p) => p.includes('2'))).toBe(false);
  });

  it('chip-resolution drops a photo whose face is smaller than the median chip mimic', () => {
    // photo 2's chip has no face, but its full-size photo is sharp enough to be a target
    expect(kept('chip-resolution')).toEqual(['02', '03', '30', '32']);
  });

  it('photographs leaves the renders out, and the CGI characters are recognised by their label', () => {
    expect(isSynthetic('cgi-black-bob')).toBe(true);
    expect(isSynthetic('ai-face')).toBe(true);
    expect(isSynthetic('person-a')).toBe(false);
    expect(kept('photographs').some((p) => p.includes('3'))).toBe(false);
  });

  it('restrict marks left-out pairs so pair scores skip them, while a missing face still counts as rejected', () => {
    const set = scoreSet('t', facts.map((f) => f.identity), [1, 1, null, 1], [1, 1, 1, 1], (a: number, b: number) => a * b);
    expect(pairScores(set).impostor).toHaveLength(12);
    expect(pairScores(set).impostor.filter((s) => s === Number.NEGATIVE_INFINITY)).toHaveLength(3);
    expect(pairScores(restrict(set, photoFilter('detected', facts))).impostor).toHaveLength(9);
  });
});
