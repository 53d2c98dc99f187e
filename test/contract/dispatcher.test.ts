import { describe, expect, it } from 'vitest';
import { ContractError } from '../../contract';
import { createDispatcher } from '../../contract/dispatcher';
import { createTestKiosk, quietLog } from '../support/test-kiosk';

function dispatcher() {
  const kiosk = createTestKiosk();
  return { kiosk, dispatch: createDispatcher(kiosk.handlers, quietLog) };
}

describe('contract dispatcher', () => {
  it('answers system.info with a value main promises', async () => {
    const { dispatch } = dispatcher();
    const result = await dispatch('system.info', {});
    expect(result).toMatchObject({ ok: true, value: { appVersion: '0.0.0-test', shell: 'web', verify: { provider: 'local', ready: true } } });
  });

  it('refuses an unknown channel', async () => {
    const { dispatch } = dispatcher();
    expect(await dispatch('fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await dispatch(42, {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('rejects a malformed payload with a typed validation error naming the field', async () => {
    const { dispatch } = dispatcher();
    const result = await dispatch('verify.submit', { cardId: 'x', image: { mime: 'image/gif', base64: '!!' }, liveness: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    const paths = result.error.issues!.map((i) => i.path);
    expect(paths).toContain('image.mime');
    expect(paths).toContain('image.base64');
    expect(paths.some((p) => p.startsWith('liveness'))).toBe(true);
  });

  it('rejects extra keys, so the renderer cannot smuggle fields into main', async () => {
    const { dispatch } = dispatcher();
    expect(await dispatch('system.info', { secret: true })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await dispatch('reader.simulate', { action: 'explode' })).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('rejects an oversize capture frame', async () => {
    const { dispatch } = dispatcher();
    const base64 = 'A'.repeat(3 * 1024 * 1024);
    const result = await dispatch('verify.submit', {
      cardId: 'card-1', image: { mime: 'image/jpeg', base64 },
      liveness: { passed: true, challenge: null, checks: [], durationMs: 1 },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('passes typed service errors through and hides unexpected ones', async () => {
    const handlers = createTestKiosk().handlers;
    const dispatch = createDispatcher(
      {
        ...handlers,
        'reader.status': () => { throw new ContractError({ code: 'unavailable', message: 'reader gone' }); },
        'system.info': () => { throw new Error('secret internal detail'); },
      },
      quietLog,
    );
    expect(await dispatch('reader.status', {})).toEqual({ ok: false, error: { code: 'unavailable', message: 'reader gone' } });
    const hidden = await dispatch('system.info', {});
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('secret internal detail');
  });

  it('reports a verification for a card that is no longer held as not-found', async () => {
    const { dispatch } = dispatcher();
    const result = await dispatch('verify.submit', {
      cardId: 'card-404', challengeId: 'any', image: { mime: 'image/jpeg', base64: '/9j/AA==' },
      liveness: { passed: true, challenge: null, checks: [], durationMs: 1 },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
