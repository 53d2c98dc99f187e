import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ReaderHardware } from '../native/sam/hardware';

/** Output sinks for CLI commands, injected so tests can run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Environment for credentials and defaults (ALIBABA_CLOUD_ACCESS_KEY_ID, …). */
  env: Record<string, string | undefined>;
}

/** What commands reach beyond their arguments, injected so tests swap the reader without module state. */
export interface CliDeps {
  /** The native reader layer; loaded on first use so commands without hardware never load native addons. */
  hardware(): Promise<ReaderHardware>;
}

export const nativeDeps: CliDeps = {
  hardware: async () => (await import('../native/sam/hardware')).nativeHardware,
};

export type CliCommand = (args: string[], io: CliIo, deps?: CliDeps) => Promise<number>;

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

export type ParsedArgs<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * parseArgs with the conventions every subcommand shares: a usage error prints the reason and the
 * usage on stderr (exit 2), and --help prints the usage (exit 0). Returns the parse, or the exit code.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(io: CliIo, command: string, usage: string, config: T): ParsedArgs<T> | number {
  let parsed: ParsedArgs<T>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    return usageError(io, command, error instanceof Error ? error.message : String(error), usage);
  }
  if ((parsed.values as { help?: unknown }).help) {
    io.stdout(usage);
    return 0;
  }
  return parsed;
}

/** A command was called wrongly: say why and how to call it, on stderr as text; exit code 2. */
export function usageError(io: CliIo, command: string, message: string, usage: string): 2 {
  io.stderr(`renzheng ${command}: ${message}\n${usage.endsWith('\n') ? usage : `${usage}\n`}`);
  return 2;
}
