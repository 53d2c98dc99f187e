import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_CONTENT_SECURITY_POLICY, WEB_CONTENT_SECURITY_POLICY } from '../../../main/http/csp';
import { repoRoot } from '../../support/test-kiosk';

const directives = (policy: string) => new Map(policy.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d]));

describe('content security policy', () => {
  it('is the same in the page meta tag as in the headers both shells send', () => {
    const html = readFileSync(join(repoRoot, 'renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    const header = directives(WEB_CONTENT_SECURITY_POLICY);
    // frame-ancestors is ignored in <meta>, so only the header carries it.
    header.delete('frame-ancestors');
    expect(directives(meta)).toEqual(header);
  });

  it('allows no inline or eval script and no remote origin', () => {
    for (const policy of [WEB_CONTENT_SECURITY_POLICY, ELECTRON_CONTENT_SECURITY_POLICY]) {
      expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:/);
      expect(policy).toContain("object-src 'none'");
    }
  });

  it('lets only the web shell open a WebSocket: the Electron page talks over IPC', () => {
    expect(directives(WEB_CONTENT_SECURITY_POLICY).get('connect-src')).toContain('ws://127.0.0.1:*');
    expect(ELECTRON_CONTENT_SECURITY_POLICY).not.toMatch(/ws:|wss:/);
    expect(directives(ELECTRON_CONTENT_SECURITY_POLICY).get('connect-src')).toBe("connect-src 'self'");
  });
});
