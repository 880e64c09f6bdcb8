import { describe, expect, it } from 'vitest';
import { barChart, fmt, linePlot, niceTicks } from './svgPlot.ts';

describe('niceTicks', () => {
  it('picks 1-2-5 steps: 0..100 in about 5 steps gives 20s', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
  });
  it('covers a negative range: -4.05..2.4 gives steps of 2', () => {
    // raw step (2.4 + 4.05) / 5 = 1.29 → next nice step 2.
    expect(niceTicks(-4.05, 2.4)).toEqual([-4, -2, 0, 2]);
  });
});

describe('fmt', () => {
  it('keeps integer zeros and drops trailing fraction zeros', () => {
    expect([fmt(100), fmt(20), fmt(2.5), fmt(0.95), fmt(-0.001)]).toEqual(['100', '20', '2.5', '0.95', '0']);
  });
});

describe('linePlot', () => {
  it('breaks the line where a value is missing (null TTC)', () => {
    const svg = linePlot([{ name: 'a', colour: '#000', xs: [0, 1, 2, 3], ys: [1, 2, null, 1] }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
    });
    const d = /<path d="([^"]+)"/.exec(svg)![1]!;
    // Two runs of the pen: M…L… then M… after the gap.
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
  });

  it('maps the data range onto the plot frame with fixed yMin / yMax', () => {
    // Width 340, margins left 52 / right 12: x = 0 → 52 px, x = 10 → 328 px. Height 230, margins top
    // 40 / bottom 36: y = 0 (yMin) → 194 px, y = 3 (yMax) → 40 px.
    const svg = linePlot([{ name: 'a', colour: '#000', xs: [0, 10], ys: [0, 3] }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      yMin: 0,
      yMax: 3,
    });
    expect(svg).toContain('d="M52.0 194.0L328.0 40.0"');
  });

  it('escapes names so that a scenario id cannot inject markup', () => {
    const svg = linePlot([{ name: '<b>x</b>', colour: '#000', xs: [0], ys: [1] }], {
      title: 'a&b',
      xLabel: '',
      yLabel: '',
    });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('a&amp;b');
  });
});

describe('barChart', () => {
  it('draws one bar per planner and scenario', () => {
    const svg = barChart(
      [
        {
          label: 's1',
          bars: [
            { name: 'p', colour: '#111', value: 50 },
            { name: 'q', colour: '#222', value: 0 },
          ],
        },
        {
          label: 's2',
          bars: [
            { name: 'p', colour: '#111', value: 100 },
            { name: 'q', colour: '#222', value: 75 },
          ],
        },
      ],
      { title: 'score', yLabel: 'score', yMax: 100 },
    );
    expect(svg.match(/<rect [^>]*fill="#(111|222)"><title>/g)).toHaveLength(4);
  });
});
