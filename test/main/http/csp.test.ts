import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/http/csp';
import { repoRoot } from '../../support/test-kiosk';

const directives = (policy: string) => new Map(policy.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d]));

describe('content security policy', () => {
  it('is the same in the page meta tag as in the headers both shells send', () => {
    const html = readFileSync(join(repoRoot, 'renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    const header = directives(CONTENT_SECURITY_POLICY);
    // frame-ancestors is ignored in <meta>, so only the header carries it.
    header.delete('frame-ancestors');
    expect(directives(meta)).toEqual(header);
  });

  it('allows no inline or eval script and no remote origin', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
});
