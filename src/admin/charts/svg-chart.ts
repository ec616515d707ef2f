import { escapeHtml } from '../../preferences/pages/html';

export interface ChartSeries {
  name: string;
  values: number[];
}

export interface BarChartInput {
  /** one label per bucket (a day, an hour); long runs show every nth label only */
  labels: string[];
  /** one or two series, drawn side by side in each bucket */
  series: ChartSeries[];
  /** what the chart shows, for screen readers */
  title: string;
  width?: number;
  height?: number;
}

const PAD = { top: 12, right: 8, bottom: 28, left: 44 };
const MAX_LABELS = 12;

/**
 * A bar chart drawn on the server as inline SVG: no script, no library, readable by screen readers
 * (a <title> and one <title> per bar with its value), styled by admin.css (.bar, .bar2, .axis).
 */
export function barChart({ labels, series, title, width = 720, height = 220 }: BarChartInput): string {
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const slot = labels.length ? plotW / labels.length : plotW;
  const barW = Math.max(1, (slot * 0.8) / Math.max(1, series.length));
  const labelEvery = Math.max(1, Math.ceil(labels.length / MAX_LABELS));

  const parts: string[] = [];
  // counts: a middle line only where it falls on a whole number (not 2.5 of a scale to 5)
  for (const tick of Number.isInteger(max / 2) ? [0, max / 2, max] : [0, max]) {
    const y = PAD.top + plotH - (tick / max) * plotH;
    parts.push(`<line class="axis" x1="${PAD.left}" x2="${width - PAD.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const h = (v / max) * plotH;
      const x = PAD.left + i * slot + slot * 0.1 + j * barW;
      parts.push(
        `<rect class="${j === 0 ? 'bar' : 'bar2'}" x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(`${label}: ${v} ${s.name}`)}</title></rect>`,
      );
    });
    if (i % labelEvery === 0) {
      parts.push(
        `<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle">${escapeHtml(label)}</text>`,
      );
    }
  });
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

/** The top of the scale: 1, 2 or 5 times a power of ten, at least 1, so ticks are round numbers. */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function formatTick(n: number): string {
  return n >= 1000
    ? `${(n / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })}k`
    : String(Math.round(n * 10) / 10);
}
