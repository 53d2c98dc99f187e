/** Output sinks for CLI commands, injected so tests can run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Environment for credentials and defaults (ALIBABA_CLOUD_ACCESS_KEY_ID, …). */
  env: Record<string, string | undefined>;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  };
}

/** Print one JSON value on its own line. */
export function printJson(io: CliIo, value: unknown, to: 'stdout' | 'stderr' = 'stdout'): void {
  io[to](`${JSON.stringify(value)}\n`);
}

/** The error shape every subcommand prints: {"error":{"code":…,"message":…}}. */
export function printError(io: CliIo, code: string, message: string, extra: Record<string, unknown> = {}): void {
  printJson(io, { error: { code, message, ...extra } });
}
