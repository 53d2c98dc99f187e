#!/usr/bin/env node
// The CLI is bundled with the main-process build (npm install runs it through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('renzheng: the CLI is not built yet. Run `npm run build` in the project folder, then try again.\n');
  process.exit(2);
}
const { runCli, processIo } = await import(built);
process.exitCode = await runCli(process.argv.slice(2), processIo());
