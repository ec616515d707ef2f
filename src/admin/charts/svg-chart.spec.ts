import { barChart, niceMax } from './svg-chart';

describe('barChart', () => {
  it('draws one bar per bucket and series, each titled with its value', () => {
    const svg = barChart({
      labels: ['Mon', 'Tue'],
      series: [
        { name: 'opens', values: [3, 7] },
        { name: 'clicks', values: [1, 0] },
      ],
      title: 'Engagement',
    });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(svg.match(/<rect class="bar2"/g)).toHaveLength(2);
    expect(svg).toContain('<title>Tue: 7 opens</title>');
    expect(svg).toContain('aria-label="Engagement"');
  });

  it('escapes labels and titles', () => {
    const svg = barChart({ labels: ['<b>'], series: [{ name: 'x', values: [1] }], title: '"quoted"' });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).toContain('aria-label="&quot;quoted&quot;"');
  });

  it('draws an empty series as zero-height bars, not NaN', () => {
    const svg = barChart({ labels: ['a', 'b'], series: [{ name: 'sends', values: [0, 0] }], title: 'Sends' });
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('height="0.0"');
  });

  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 12, 260, 5000, 5001].map(niceMax)).toEqual([1, 1, 5, 20, 500, 5000, 10000]);
  });

  it('labels the scale with whole numbers only: no middle line at 2.5 on a scale to 5', () => {
    const ticks = (max: number) =>
      [
        ...barChart({ labels: ['a'], series: [{ name: 'sends', values: [max] }], title: 'Sends' }).matchAll(
          /text-anchor="end">([^<]+)</g,
        ),
      ].map((m) => m[1]);
    expect(ticks(5)).toEqual(['0', '5']);
    expect(ticks(20)).toEqual(['0', '10', '20']);
  });
});
