import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CaptureOverlay, type CaptureOverlayProps } from '../../renderer/src/capture/CaptureOverlay';
import { LIVENESS_NOTE, promptText } from '../../renderer/src/capture/prompts';
import { QUALITY_ISSUES } from '../../capture/quality';
import { ActiveChallenge } from '../../contract';

const base: CaptureOverlayProps = { width: 640, height: 360, phase: 'gate', ok: false, progress: 0, arrow: null, face: null };
const render = (props: Partial<CaptureOverlayProps>) => renderToStaticMarkup(createElement(CaptureOverlay, { ...base, ...props }));

describe('capture overlay', () => {
  it('draws the face box mirrored like the preview', () => {
    const html = render({ face: { x: 100, y: 50, width: 200, height: 200 } });
    // Frame x 100..300 shows at screen x 340..540 in a mirrored 640-wide preview.
    expect(html).toMatch(/<rect class="face-box" x="340" y="50" width="200" height="200"/);
  });
  it('fills the ring with progress and shows an arrow only when there is a direction', () => {
    expect(render({ progress: 0 })).toMatch(/data-progress="0.00"[^>]*opacity="0"|opacity="0"[^>]*data-progress="0.00"/);
    expect(render({ progress: 0.5 })).toContain('data-progress="0.50"');
    expect(render({})).not.toContain('data-arrow');
    expect(render({ arrow: 'left' })).toContain('data-arrow="left"');
  });
  it('tells states apart by colour class', () => {
    expect(render({ ok: true })).toContain('data-overlay-state="ok"');
    expect(render({ ok: false })).toContain('data-overlay-state="warn"');
    expect(render({ phase: 'complete', ok: true })).toContain('data-overlay-state="done"');
    expect(render({ width: 0 })).toBe('');
  });
});

describe('capture prompts', () => {
  it('has a short prompt in both languages for every gate issue and challenge', () => {
    const keys = [...QUALITY_ISSUES, ...ActiveChallenge.options.map((c) => `challenge-${c}` as const), 'hold-still', 'loading', 'done', 'timed-out'] as const;
    for (const key of keys) {
      const zh = promptText('zh-CN', key);
      const en = promptText('en', key);
      expect(zh.length, key).toBeGreaterThan(1);
      expect(zh.length, key).toBeLessThanOrEqual(14);
      expect(en.length, key).toBeLessThanOrEqual(40);
      expect(zh).not.toBe(en);
    }
    expect(LIVENESS_NOTE.en).toMatch(/video replays/);
  });
});
