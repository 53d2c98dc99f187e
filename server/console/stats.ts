import type { TicketStatus } from '../repository/types';

/** Pure statistics over submissions: per day (in the service's time zone) and per biz. */

export interface DayStats {
  day: string;
  biz: string;
  verifications: number;
  pass: number;
  fail: number;
  review: number;
  /** pass / (pass + fail): tickets still in review have no verdict yet. Null when none has one. */
  passRate: number | null;
  medianScore: number | null;
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** yyyy-mm-dd of `at` in a zone `offsetMinutes` east of UTC (China: +480, no daylight saving). */
export function dayOf(at: Date, offsetMinutes: number): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The first instant of the day `days - 1` days before `now`'s day, in that zone. */
export function windowStart(now: Date, days: number, offsetMinutes: number): Date {
  const local = new Date(`${dayOf(now, offsetMinutes)}T00:00:00Z`).getTime() - (days - 1) * 86_400_000;
  return new Date(local - offsetMinutes * 60_000);
}

export function dailyStats(
  rows: readonly { biz: string; status: TicketStatus; score: number | null; at: Date }[],
  options: { now: Date; days: number; offsetMinutes: number; biz?: string },
): { days: string[]; rows: DayStats[]; totals: DayStats[] } {
  const start = windowStart(options.now, options.days, options.offsetMinutes);
  const days = Array.from({ length: options.days }, (_, i) => dayOf(new Date(start.getTime() + i * 86_400_000), options.offsetMinutes));
  const groups = new Map<string, { day: string; biz: string; statuses: TicketStatus[]; scores: number[] }>();
  const add = (day: string, biz: string, status: TicketStatus, score: number | null) => {
    const key = `${day}\n${biz}`;
    const g = groups.get(key) ?? { day, biz, statuses: [], scores: [] };
    g.statuses.push(status);
    if (score !== null) g.scores.push(score);
    groups.set(key, g);
  };
  for (const r of rows) {
    if (r.at < start || r.at > options.now || (options.biz && r.biz !== options.biz)) continue;
    const day = dayOf(r.at, options.offsetMinutes);
    add(day, r.biz, r.status, r.score);
    add(day, '*', r.status, r.score);
    add('*', r.biz, r.status, r.score);
    add('*', '*', r.status, r.score);
  }
  const summarise = (g: { day: string; biz: string; statuses: TicketStatus[]; scores: number[] }): DayStats => {
    const pass = g.statuses.filter((s) => s === 1).length;
    const fail = g.statuses.filter((s) => s === 2).length;
    const review = g.statuses.filter((s) => s === 0).length;
    return { day: g.day, biz: g.biz, verifications: g.statuses.length, pass, fail, review, passRate: pass + fail ? pass / (pass + fail) : null, medianScore: median(g.scores) };
  };
  // Every day of the window appears for the all-biz series, so a chart has no gaps.
  for (const day of days) if (!groups.has(`${day}\n*`)) groups.set(`${day}\n*`, { day, biz: '*', statuses: [], scores: [] });
  const all = [...groups.values()].map(summarise).sort((a, b) => a.day.localeCompare(b.day) || a.biz.localeCompare(b.biz));
  return { days, rows: all.filter((r) => r.day !== '*'), totals: all.filter((r) => r.day === '*') };
}
