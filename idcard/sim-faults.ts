import type { SamHealth, SimFault } from './sim-device';

/** What `renzheng sim --faults` asks for: persistent link behaviour plus one-shot command faults. */
export interface FaultPlan {
  /** 0..N junk bytes before every reply. */
  garbageMax?: number;
  /** Split replies into chunks of min..max bytes. */
  fragment?: { min: number; max: number };
  samHealth?: SamHealth;
  /** One-shot faults: command name (find-card, select-card, read-base, … or *) → fault, in order. */
  oneShot: { match: string; fault: SimFault; times: number }[];
}

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const COMMANDS = new Set(['*', 'reset-sam', 'sam-status', 'sam-id', 'find-card', 'select-card', 'read-base', 'read-address', 'read-base-fp', 'set-max-rf']);
const ALIASES: Record<string, string> = { find: 'find-card', select: 'select-card', read: 'read-base', status: 'sam-status', any: '*' };

/**
 * Parse a comma-separated fault list, e.g.
 *   garbage=7,fragment=1-64,sam=60,silent@find,late@read=4000,truncate@read=600,checksum@select,status@read=41,unplug@read,silent@find*3
 */
export function parseFaultSpec(spec: string): FaultPlan {
  const plan: FaultPlan = { oneShot: [] };
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)(?:@([a-z*-]+))?(?:=([0-9a-fx-]+))?(?:\*(\d+))?$/i.exec(item);
    if (!m) throw new FaultSpecError(`cannot read fault '${item}'; expected NAME[@COMMAND][=VALUE][*TIMES]`);
    const [, name, rawTarget, value, times] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    const num = (what: string, radix = 10) => {
      const n = value === undefined ? Number.NaN : Number.parseInt(value, radix);
      if (!Number.isFinite(n) || n < 0) throw new FaultSpecError(`fault '${item}' needs ${what}`);
      return n;
    };
    if (!rawTarget) {
      switch (name) {
        case 'garbage':
          plan.garbageMax = num('a byte count, e.g. garbage=7');
          if (plan.garbageMax > 64) throw new FaultSpecError('garbage is at most 64 bytes');
          continue;
        case 'fragment': {
          const r = /^(\d+)-(\d+)$/.exec(value ?? '');
          const min = Number(r?.[1]);
          const max = Number(r?.[2]);
          if (!r || min < 1 || max < min) throw new FaultSpecError(`fault '${item}' needs a range, e.g. fragment=1-64`);
          plan.fragment = { min, max };
          continue;
        }
        case 'sam': {
          const code = value?.toLowerCase();
          if (code !== '60' && code !== '66') throw new FaultSpecError("sam= takes 60 (self-test failed) or 66 (not authorised)");
          plan.samHealth = code === '60' ? 'self-test-failed' : 'unauthorised';
          continue;
        }
        default:
          throw new FaultSpecError(`unknown fault '${name}'; link faults are garbage=N, fragment=A-B, sam=60|66`);
      }
    }
    const match = ALIASES[rawTarget] ?? rawTarget;
    if (!COMMANDS.has(match)) throw new FaultSpecError(`unknown command '${rawTarget}' in '${item}'; use find, select, read, status or a full command name`);
    let fault: SimFault;
    switch (name) {
      case 'silent':
        fault = { kind: 'silent' };
        break;
      case 'unplug':
        fault = { kind: 'unplug' };
        break;
      case 'checksum':
        fault = { kind: 'corrupt-checksum' };
        break;
      case 'late':
        fault = { kind: 'late', delayMs: num('a delay in ms, e.g. late@read=4000') };
        break;
      case 'truncate':
        fault = { kind: 'truncate', bytes: num('a byte count, e.g. truncate@read=600') };
        break;
      case 'garbage':
        fault = { kind: 'garbage', bytes: num('a byte count') };
        break;
      case 'status': {
        const sw3 = num('a hex SW3, e.g. status@read=41', 16);
        if (sw3 > 0xff) throw new FaultSpecError(`SW3 ${value} is more than one byte`);
        fault = { kind: 'status', sw3 };
        break;
      }
      default:
        throw new FaultSpecError(`unknown fault '${name}'; command faults are silent, late, truncate, checksum, status, garbage, unplug`);
    }
    plan.oneShot.push({ match, fault, times: times ? Number(times) : 1 });
  }
  return plan;
}
