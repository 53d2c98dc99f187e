import { cpus, totalmem } from 'node:os';

export interface Metric {
  metric: string;
  value: number;
  unit: string;
  /** Human-readable goal, e.g. "<= 1.1"; null when the metric is informational. */
  goal: string | null;
  pass: boolean | null;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Metric[]>;
}

export interface BenchReport {
  name: string;
  description: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string; note: string };
  startedAt: string;
  durationMs: number;
  metrics: Metric[];
}

export function machineInfo(): BenchReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    note: list.length <= 2 ? 'shared 2-core machine: timings are noisy and pessimistic' : '',
  };
}

/** A metric with a numeric goal; `pass` is derived so a report can never claim a pass it did not earn. */
export function metric(name: string, value: number, unit: string, goal?: { max?: number; min?: number }): Metric {
  if (!goal) return { metric: name, value, unit, goal: null, pass: null };
  const okMax = goal.max === undefined || value <= goal.max;
  const okMin = goal.min === undefined || value >= goal.min;
  const text = [goal.min !== undefined ? `>= ${goal.min}` : '', goal.max !== undefined ? `<= ${goal.max}` : '']
    .filter(Boolean)
    .join(' and ');
  return { metric: name, value, unit, goal: text, pass: Number.isFinite(value) && okMax && okMin };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatTable(report: BenchReport): string {
  const rows = report.metrics.map((m) => [
    m.metric,
    Number.isInteger(m.value) ? String(m.value) : m.value.toPrecision(4),
    m.unit,
    m.goal ?? '-',
    m.pass === null ? '-' : m.pass ? 'pass' : 'FAIL',
  ]);
  const header = ['metric', 'value', 'unit', 'goal', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [`${report.name} — ${report.description}`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
