/** An inline SVG chart (no library, no CDN): bars of pass / fail / review per day, and the pass rate as a line. */

export interface DayPoint {
  day: string;
  verifications: number;
  pass: number;
  fail: number;
  review: number;
  passRate: number | null;
  medianScore: number | null;
}

const NS = 'http://www.w3.org/2000/svg';

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function stackedBars(points: readonly DayPoint[], options: { label: string }): SVGSVGElement {
  const width = 760;
  const height = 240;
  const pad = { left: 40, right: 44, top: 12, bottom: 36 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...points.map((p) => p.verifications));
  const step = plotW / Math.max(1, points.length);
  const bar = Math.max(2, step * 0.6);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', width: '100%', 'data-chart': 'daily' }) as SVGSVGElement;
  svg.append(el('title', {}, options.label));
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  for (const tick of [0, max / 2, max]) {
    svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), stroke: '#e3e7ee' }));
    svg.append(el('text', { x: pad.left - 6, y: y(tick) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#556' }, String(Math.round(tick))));
  }
  svg.append(el('text', { x: width - pad.right + 6, y: pad.top + 4, 'font-size': 11, fill: '#1d3557' }, '100%'));
  svg.append(el('text', { x: width - pad.right + 6, y: pad.top + plotH + 4, 'font-size': 11, fill: '#1d3557' }, '0%'));
  const line: string[] = [];
  points.forEach((p, i) => {
    const x = pad.left + i * step + (step - bar) / 2;
    let top = pad.top + plotH;
    for (const [value, colour] of [[p.pass, '#2a9d8f'], [p.fail, '#e76f51'], [p.review, '#e9c46a']] as const) {
      if (!value) continue;
      const h = (value / max) * plotH;
      top -= h;
      const rect = el('rect', { x, y: top, width: bar, height: h, fill: colour });
      rect.append(el('title', {}, `${p.day}: ${value}`));
      svg.append(rect);
    }
    if (p.passRate !== null) line.push(`${x + bar / 2},${pad.top + plotH - p.passRate * plotH}`);
    // Label every day for a week, every fifth for a month.
    if (points.length <= 7 || i % 5 === 0) svg.append(el('text', { x: x + bar / 2, y: height - pad.bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#556' }, p.day.slice(5)));
  });
  if (line.length > 1) svg.append(el('polyline', { points: line.join(' '), fill: 'none', stroke: '#1d3557', 'stroke-width': 2 }));
  for (const pt of line) {
    const [cx, cy] = pt.split(',');
    svg.append(el('circle', { cx: cx!, cy: cy!, r: 3, fill: '#1d3557' }));
  }
  return svg;
}
