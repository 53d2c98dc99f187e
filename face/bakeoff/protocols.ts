import { buildPairs, type FixturePhoto } from './fixtures';
import type { BakeoffData } from './run';

/** Heads turned or tilted more than this (radians, ≈20°) are not ID-photo or kiosk-capture conditions. */
export const FRONTAL_LIMIT = 0.35;

export type Protocol = 'all' | 'detected' | 'frontal' | 'chip-resolution' | 'photographs';

/**
 * Identities that are renders, not photographs of a person: the cgi-multiangle scenes (one identity in
 * identities.tsv, nine characters by eye: see CGI_CHARACTERS) and ai-face, a generated face (it only takes
 * part in impostor pairs).
 */
export const SYNTHETIC_IDENTITIES: readonly string[] = ['cgi-multiangle', 'ai-face'];

/**
 * Which pairs a protocol keeps.
 * - all: every pair of the fixtures; a face the detector misses counts as an error.
 * - detected: pairs where a face was found in both the chip mimic and the full-size photo
 *   (the engine answers Error.NoFaceDetected for the rest; counted separately as failures to acquire).
 * - frontal: detected, and both source photos within ±20° yaw and pitch — ID photos are frontal by
 *   regulation and the kiosk's capture step asks for a frontal face.
 * - chip-resolution: detected, and both source photos show the face with at least the chip mimics' median
 *   eye distance. A real chip photo is a studio photo scaled down to 102x126; a mimic cut from a smaller
 *   face is scaled up and blurrier than any chip, and a live photo that small is refused by the kiosk's
 *   capture gate (face at least 18% of the frame width, ≈ 115 px at 640x480).
 * - photographs: detected, and neither identity is a render (SYNTHETIC_IDENTITIES).
 */
export function pairFilter(data: BakeoffData, protocol: Protocol): (pair: [number, number]) => boolean {
  const found = (i: number, view: 'chip' | 'full') => data.variants[0]?.photos[i]?.[view] != null;
  const frontal = (i: number) => {
    const pose = data.meta[i]?.fullPose;
    return !!pose && Math.abs(pose.yaw) <= FRONTAL_LIMIT && Math.abs(pose.pitch) <= FRONTAL_LIMIT;
  };
  const sharp = (i: number) => (data.meta[i]?.fullEyeDistance ?? 0) >= data.chipEyeDistance;
  const photograph = (i: number) => !SYNTHETIC_IDENTITIES.includes(data.photos[i]?.identity ?? '');
  switch (protocol) {
    case 'all':
      return () => true;
    case 'detected':
      return ([i, j]) => found(i, 'chip') && found(j, 'full');
    case 'frontal':
      return ([i, j]) => found(i, 'chip') && found(j, 'full') && frontal(i) && frontal(j);
    case 'chip-resolution':
      return ([i, j]) => found(i, 'chip') && found(j, 'full') && sharp(i) && sharp(j);
    case 'photographs':
      return ([i, j]) => found(i, 'chip') && found(j, 'full') && photograph(i) && photograph(j);
  }
}

/**
 * identities.tsv labels the ten cgi-multiangle renders as one identity. By eye they show nine characters
 * (hair, skin tone, face shape, outfit): renders 1 and 11 are the same character in the same mirrored room;
 * every other render is a character of its own. Keyed by render number; read from the images, not from any
 * model's scores.
 */
export const CGI_CHARACTERS: Readonly<Record<string, string>> = {
  '1': 'braids-mirror-room',
  '11': 'braids-mirror-room',
  '10': 'black-ponytail',
  '2': 'blonde-ponytail',
  '3': 'blonde-fringe',
  '4': 'white-straight',
  '6': 'black-curls',
  '7': 'black-bob',
  '8': 'black-long',
  '9': 'white-curls',
};

/** A fixture photo's identity with the cgi-multiangle renders split into the characters they show. */
export function cgiCharacter(photo: FixturePhoto): string {
  if (photo.identity !== 'cgi-multiangle') return photo.identity;
  const render = /cgi-multiangle-(\d+)\.\w+$/.exec(photo.file)?.[1] ?? '';
  const character = CGI_CHARACTERS[render];
  if (!character) throw new Error(`${photo.file} is not in CGI_CHARACTERS (face/bakeoff/protocols.ts): look at it and add its character.`);
  return `cgi-multiangle:${character}`;
}

/**
 * The same bake-off with the CGI renders labelled by character: pairs across different characters become
 * impostor pairs (look-alikes built on one base model), and renders 1 and 11 stay a genuine pair.
 */
export function withCgiCharacters(data: BakeoffData): BakeoffData {
  const photos = data.photos.map((p) => ({ ...p, identity: cgiCharacter(p) }));
  return { ...data, photos, ...buildPairs(photos) };
}
