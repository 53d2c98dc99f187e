/** Taps on the title needed, and the window they must fall in, to ask for the staff PIN. */
export const GESTURE_TAPS = 5;
export const GESTURE_WINDOW_MS = 3000;

/** Pure: given the earlier tap times and a new one, the taps still in the window and whether the gesture completed. */
export function registerTap(taps: readonly number[], nowMs: number): { taps: number[]; complete: boolean } {
  const recent = [...taps.filter((at) => nowMs - at < GESTURE_WINDOW_MS), nowMs];
  return recent.length >= GESTURE_TAPS ? { taps: [], complete: true } : { taps: recent, complete: false };
}
