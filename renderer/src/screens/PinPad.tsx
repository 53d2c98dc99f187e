import { useEffect, useRef, useState } from 'react';
import type { Translate } from './types';

export type PinOutcome = { ok: true } | { ok: false; locked: boolean };

/**
 * The staff PIN dialog behind the hidden gesture. The PIN is checked in main (hashed, with a
 * lockout); this only collects digits, by touch or keyboard.
 */
export function PinPad({ t, onSubmit, onCancel }: { t: Translate; onSubmit(pin: string): Promise<PinOutcome>; onCancel(): void }) {
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async () => {
    const outcome = await onSubmit(pin);
    setPin('');
    if (!outcome.ok) setMessage(outcome.locked ? t('operatorLocked') : t('operatorPinWrong'));
  };
  const press = (digit: string) => setPin((p) => (p.length < 12 ? p + digit : p));
  return (
    <div className="pin-overlay" role="dialog" aria-modal="true" aria-label={t('operatorPinTitle')} data-testid="pin-pad">
      <form className="pin-pad" onSubmit={(e) => { e.preventDefault(); void submit(); }} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
        <h2>{t('operatorPinTitle')}</h2>
        <input
          ref={input} type="password" inputMode="numeric" autoComplete="off" value={pin} data-testid="pin-input"
          aria-label={t('operatorPinHint')} placeholder={t('operatorPinHint')} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 12))}
        />
        {message && <p className="status warn" data-testid="pin-message">{message}</p>}
        <div className="pin-keys">
          {['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((d) => (
            <button type="button" key={d} className="secondary" onClick={() => press(d)}>{d}</button>
          ))}
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={onCancel}>{t('cancel')}</button>
          <button type="submit" className="primary" data-testid="pin-submit">{t('operatorEnter')}</button>
        </div>
      </form>
    </div>
  );
}
