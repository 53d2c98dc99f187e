import { pathToFileURL } from 'node:url';
import { nativeDeps, processIo, type CliCommand, type CliDeps, type CliIo } from './io';

// Subcommands load lazily so `renzheng card decode` never pays for the face models.
const commands: Record<string, { summary: string; load: () => Promise<{ run: CliCommand }> }> = {
  card: { summary: 'card decode FILE | card read --port PATH|--hid|--usb|--vendor LIB', load: () => import('./card') },
  sim: { summary: 'sim --pty PATH [--card card.json] [--faults …]', load: () => import('./sim') },
  cloudauth: { summary: 'cloudauth ACTION --endpoint URL --key-id ID --key-secret SECRET [Name=Value …]', load: () => import('./cloudauth') },
  server: { summary: 'server [--port N --data DIR --db URL] | server keys create|list|revoke | server biz create --biz NAME --scheme S', load: () => import('./server') },
  compare: { summary: 'compare SOURCE TARGET [--provider local|cloudauth …] | compare --pairs FILE', load: () => import('./compare') },
  calibrate: { summary: 'calibrate --pairs FILE --out FILE [--far 0.001]  (site calibration from consented labelled pairs)', load: () => import('./calibrate') },
};

export function usage(): string {
  return ['usage: renzheng COMMAND …', ...Object.values(commands).map((c) => `  renzheng ${c.summary}`)].join('\n') + '\n';
}

export async function runCli(argv: string[], io: CliIo, deps: CliDeps = nativeDeps): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`renzheng: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest, io, deps);
}

export { processIo } from './io';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
