import type { ActiveChallenge } from '../contract';
import { turnToOwnLeft } from './landmarks';
import { faceCentreOffset, type QualityIssue } from './quality';
import type { FaceObservation, FrameObservation } from './types';

/** Everything the capture screen may ask of the person; the texts live in the renderer. */
export type PromptKey =
  | QualityIssue
  | 'loading'
  | 'hold-still'
  | `challenge-${ActiveChallenge}`
  | 'done'
  | 'timed-out';

/**
 * Arrow directions in the person's own frame ("left" = their left). On a mirrored preview that
 * is also the screen's left, which is why the kiosk mirrors its preview.
 */
export type Arrow = 'left' | 'right' | 'up' | 'down';

export function challengePrompt(challenge: ActiveChallenge): PromptKey {
  return `challenge-${challenge}`;
}

/** The one prompt for a failing gate: the first issue in priority order. */
export function gatePrompt(issues: readonly QualityIssue[]): PromptKey {
  return issues[0] ?? 'hold-still';
}

/** Which way to move or turn to fix the first issue, when it has a direction. */
export function gateArrow(issue: QualityIssue | undefined, face: FaceObservation | null, frame: FrameObservation): Arrow | null {
  if (!face || !issue) return null;
  switch (issue) {
    case 'turned':
      // Turned to their left: turn back to their right.
      return turnToOwnLeft(face) > 0 ? 'right' : 'left';
    case 'tilted':
      return face.pose && face.pose.pitch > 0 ? 'up' : 'down';
    case 'off-centre': {
      const offset = faceCentreOffset(face, frame);
      if (Math.abs(offset.x) >= Math.abs(offset.y)) {
        // Face toward the image's right is toward the person's left: they should move to their right.
        return offset.x > 0 ? 'right' : 'left';
      }
      return offset.y > 0 ? 'up' : 'down';
    }
    default:
      return null;
  }
}

export function challengeArrow(challenge: ActiveChallenge): Arrow | null {
  if (challenge === 'turn-left') return 'left';
  if (challenge === 'turn-right') return 'right';
  return null;
}
