import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTable, machineInfo, type BenchReport, type Benchmark } from './harness';

// `npm run bench` runs every bench/*.bench.ts; `npm run bench -- NAME [NAME…]` runs those only.
const benchDir = import.meta.dirname;
const resultsDir = join(benchDir, 'results');

async function discover(): Promise<Map<string, string>> {
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts')).sort();
  return new Map(files.map((f) => [f.replace(/\.bench\.ts$/, ''), join(benchDir, f)]));
}

async function main(): Promise<number> {
  const available = await discover();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !available.has(w));
  if (unknown.length) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${[...available.keys()].join(', ')}`);
    return 2;
  }
  const names = wanted.length ? wanted : [...available.keys()];
  await mkdir(resultsDir, { recursive: true });
  let failures = 0;
  for (const name of names) {
    const mod = (await import(pathToFileURL(available.get(name)!).href)) as { default: Benchmark };
    const bench = mod.default;
    const started = Date.now();
    try {
      const metrics = await bench.run();
      const report: BenchReport = {
        name: bench.name,
        description: bench.description,
        machine: machineInfo(),
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        metrics,
      };
      await writeFile(join(resultsDir, `${bench.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
      console.log(`${formatTable(report)}\n→ bench/results/${bench.name}.json\n`);
    } catch (error) {
      failures++;
      console.error(`benchmark ${name} could not run: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  return failures ? 1 : 0;
}

process.exitCode = await main();
