import { escapeHtml } from '../../report/escape-html.js';
import { formatRate, type WeekRate } from '../../report/compute-posture.js';

const WIDTH = 720;
const HEIGHT = 240;
const PLOT = { left: 48, right: 12, top: 12, bottom: 36 };
const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom;

const y = (rate: number): number => PLOT.top + PLOT_HEIGHT * (1 - rate);

function gridLines(): string {
  return [0, 0.5, 1]
    .map((rate) => {
      const at = y(rate).toFixed(1);
      return `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${at}" y2="${at}" stroke="#d0d7de" stroke-width="1"/><text x="${PLOT.left - 6}" y="${at}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="#57606a">${rate * 100} %</text>`;
    })
    .join('');
}

function bar(week: WeekRate, index: number, slot: number): string {
  const x = PLOT.left + index * slot;
  const width = Math.max(1, slot * 0.7);
  const title = `<title>${escapeHtml(`Week of ${week.weekStart}: ${week.rate === null ? 'no merged changes' : `${formatRate(week.rate)} (${week.passed} of ${week.merged} passed every control)`}`)}</title>`;
  if (week.rate === null) {
    // No change that week: a mark on the axis, so "no data" never reads as 0 %.
    return `<g>${title}<rect x="${(x + slot * 0.15).toFixed(1)}" y="${(y(0) - 2).toFixed(1)}" width="${width.toFixed(1)}" height="2" fill="#d0d7de"/></g>`;
  }
  const top = y(week.rate);
  const fill = week.rate >= 1 ? '#1a7f37' : week.rate >= 0.9 ? '#9a6700' : '#cf222e';
  return `<g>${title}<rect x="${(x + slot * 0.15).toFixed(1)}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${Math.max(1, y(0) - top).toFixed(1)}" fill="${fill}"/></g>`;
}

function label(week: WeekRate, index: number, slot: number, every: number): string {
  if (index % every !== 0) return '';
  const x = PLOT.left + index * slot + slot / 2;
  return `<text x="${x.toFixed(1)}" y="${HEIGHT - PLOT.bottom + 16}" text-anchor="middle" font-size="11" fill="#57606a">${escapeHtml(week.weekStart.slice(5))}</text>`;
}

/**
 * The weekly compliance rate as an inline SVG bar chart (no script, no external asset, no style attribute, so it
 * renders under the dashboard's Content-Security-Policy and offline). Green: 100 %; amber: 90 % or more; red: below.
 */
export function renderRateChart(weeks: readonly WeekRate[]): string {
  const slot = (WIDTH - PLOT.left - PLOT.right) / Math.max(1, weeks.length);
  const every = Math.max(1, Math.ceil(weeks.length / 12));
  const summary = weeks.map((week) => `${week.weekStart}: ${formatRate(week.rate)}`).join('; ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(`Compliance rate per week. ${summary}`)}" class="chart">`,
    gridLines(),
    ...weeks.map((week, index) => bar(week, index, slot)),
    ...weeks.map((week, index) => label(week, index, slot, every)),
    '</svg>',
  ].join('');
}
