import type { CliIo } from '../../../cli/io';

/** An in-process CliIo that captures output. */
export function captureIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env };
  return {
    io,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    json: () => JSON.parse(out.join('')) as Record<string, unknown>,
  };
}
