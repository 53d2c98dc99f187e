import { useCallback, useEffect, useRef } from 'react';

import { registerTap } from './gesture';

/** The hidden way to the staff PIN: five quick taps on the title, or Ctrl+Alt+O for keyboard-only use. */
export function useHiddenGesture(open: () => void) {
  const taps = useRef<number[]>([]);
  const onTap = useCallback(() => {
    const next = registerTap(taps.current, performance.now());
    taps.current = next.taps;
    if (next.complete) open();
  }, [open]);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey && event.altKey && event.key.toLowerCase() === 'o') open();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [open]);
  return { onTap };
}
