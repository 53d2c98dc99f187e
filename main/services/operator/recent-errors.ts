import type { Logger } from '../log';

export interface RecentError {
  at: string;
  level: string;
  message: string;
}

/**
 * Keeps the last warnings and errors for the operator's diagnostics page. Only the message and
 * the error text are kept (log calls carry no personal data: ID numbers are masked before logging).
 */
export class RecentErrors {
  private readonly items: RecentError[] = [];
  constructor(private readonly max = 50, private readonly now: () => Date = () => new Date()) {}

  add(level: 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    const error = typeof fields?.error === 'string' ? `: ${fields.error.slice(0, 200)}` : '';
    this.items.push({ at: this.now().toISOString(), level, message: `${message}${error}` });
    if (this.items.length > this.max) this.items.shift();
  }

  list(): RecentError[] {
    return [...this.items].reverse();
  }

  /** A logger that writes through to `log` and remembers its warnings and errors here. */
  wrap(log: Logger): Logger {
    return {
      debug: (m, f) => log.debug(m, f),
      info: (m, f) => log.info(m, f),
      warn: (m, f) => { this.add('warn', m, f); log.warn(m, f); },
      error: (m, f) => { this.add('error', m, f); log.error(m, f); },
      child: (scope) => this.wrap(log.child(scope)),
    };
  }
}
