import type { Arrow } from '../../../capture/guidance';
import type { CapturePhase } from '../../../capture/session';
import type { Box } from '../../../capture/types';

export interface CaptureOverlayProps {
  /** Camera frame size: the overlay uses the frame's pixel coordinates, cropped like the video (cover). */
  width: number;
  height: number;
  phase: CapturePhase | 'loading';
  /** The gate and challenge are fine right now (green outline) or something needs fixing (amber). */
  ok: boolean;
  progress: number;
  arrow: Arrow | null;
  face: Box | null;
}

const ARROW_PATHS: Record<Arrow, string> = {
  // Chevrons pointing left, right, up, down, drawn around (0, 0).
  left: 'M 12 -20 L -8 0 L 12 20',
  right: 'M -12 -20 L 8 0 L -12 20',
  up: 'M -20 12 L 0 -8 L 20 12',
  down: 'M -20 -12 L 0 8 L 20 -12',
};

/**
 * The face outline to fill, a ring that fills as the capture progresses, arrows that show which
 * way to move or turn, and a thin box on the detected face. Mirrored like the preview, so the
 * person's left is the screen's left.
 */
export function CaptureOverlay({ width, height, phase, ok, progress, arrow, face }: CaptureOverlayProps) {
  if (!width || !height) return null;
  const cx = width / 2;
  const cy = height / 2;
  const ry = height * 0.36;
  const rx = ry * 0.78;
  const ringR = ry * 1.12;
  const circumference = 2 * Math.PI * ringR;
  const filled = Math.max(0, Math.min(1, progress)) * circumference;
  const arrowOffset = ringR + height * 0.1;
  const arrowAt: Record<Arrow, [number, number]> = {
    left: [cx - arrowOffset, cy], right: [cx + arrowOffset, cy], up: [cx, cy - arrowOffset], down: [cx, cy + arrowOffset],
  };
  const state = phase === 'complete' ? 'done' : ok ? 'ok' : 'warn';
  return (
    <svg className="capture-overlay" data-testid="capture-overlay" data-overlay-state={state} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="xMidYMid slice" aria-hidden="true">
      <ellipse className="guide" cx={cx} cy={cy} rx={rx} ry={ry} />
      <circle className="ring-track" cx={cx} cy={cy} r={ringR} />
      <circle
        className="ring-fill" cx={cx} cy={cy} r={ringR}
        strokeDasharray={`${filled} ${circumference}`} transform={`rotate(-90 ${cx} ${cy})`} opacity={filled > 0 ? 1 : 0}
        data-testid="capture-progress" data-progress={progress.toFixed(2)}
      />
      {face && (
        // The preview is mirrored, so the frame's x runs right to left on screen.
        <rect className="face-box" x={width - face.x - face.width} y={face.y} width={face.width} height={face.height} rx={face.width * 0.08} />
      )}
      {arrow && (
        <path className="arrow" data-testid="capture-arrow" data-arrow={arrow} d={ARROW_PATHS[arrow]} transform={`translate(${arrowAt[arrow][0]} ${arrowAt[arrow][1]}) scale(${height / 240})`} />
      )}
    </svg>
  );
}
