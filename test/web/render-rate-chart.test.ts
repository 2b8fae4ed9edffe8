import { describe, expect, it } from '@jest/globals';
import { renderRateChart } from '../../src/web/dashboard/render-rate-chart.js';

const weeks = [
  { weekStart: '2026-01-26', merged: 0, passed: 0, rate: null },
  { weekStart: '2026-02-02', merged: 4, passed: 4, rate: 1 },
  { weekStart: '2026-02-09', merged: 2, passed: 0, rate: 0 },
  { weekStart: '2026-02-16', merged: 2, passed: 1, rate: 0.5 },
];

describe('renderRateChart', () => {
  const svg = renderRateChart(weeks);

  it('is one self-contained SVG: no script, no style attribute, no external reference', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|style=|href=|url\(/i);
  });

  it('draws one bar per week, its height the rate, and says each week in a title', () => {
    const bars = [
      ...svg.matchAll(
        /<g><title>([^<]*)<\/title><rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="(#[0-9a-f]{6})"\/><\/g>/g,
      ),
    ];
    expect(bars.map((bar) => bar[1])).toEqual([
      'Week of 2026-01-26: no merged changes',
      'Week of 2026-02-02: 100.0 % (4 of 4 passed every control)',
      'Week of 2026-02-09: 0.0 % (0 of 2 passed every control)',
      'Week of 2026-02-16: 50.0 % (1 of 2 passed every control)',
    ]);
    // The plot is 192 px high from y=12: 100 % is 192 px, 50 % is 96 px; a week without changes a 2 px mark in grey.
    expect(bars.map((bar) => [Number(bar[3]), bar[4]])).toEqual([
      [2, '#d0d7de'],
      [192, '#1a7f37'],
      [1, '#cf222e'],
      [96, '#cf222e'],
    ]);
  });

  it('labels the axis and gives screen readers the series', () => {
    expect(svg).toContain('role="img"');
    expect(svg).toContain(
      'aria-label="Compliance rate per week. 2026-01-26: n/a; 2026-02-02: 100.0 %; 2026-02-09: 0.0 %; 2026-02-16: 50.0 %"',
    );
    expect([...svg.matchAll(/>(\d\d-\d\d)<\/text>/g)].map((m) => m[1])).toEqual(['01-26', '02-02', '02-09', '02-16']);
  });

  it('draws an empty period without failing', () => {
    expect(renderRateChart([])).toMatch(/^<svg[^>]*>.*<\/svg>$/);
  });
});
