/**
 * A tiny structured logger. Callers pass fields, never free text with personal data; ID numbers
 * must already be masked (idcard/id-number.ts maskIdNumber) before they reach a log call.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Reads a level from configuration text (e.g. RENZHENG_LOG_LEVEL in a shell); anything else is 'info'. */
export function parseLogLevel(value: string | undefined): LogLevel {
  return value !== undefined && Object.hasOwn(order, value) ? (value as LogLevel) : 'info';
}

export function createLogger(opts: { scope?: string; level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  // The level is the caller's to choose (shells read it from the environment); the logger reads no globals.
  const level = opts.level ?? 'info';
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, scope: opts.scope ?? 'main', msg: message, ...fields }));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (scope) => createLogger({ ...opts, level, write, scope: opts.scope ? `${opts.scope}.${scope}` : scope }),
  };
}

/** For services run without a log (tests, the CLI's one-shot reads). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });
