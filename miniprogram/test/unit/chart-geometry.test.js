const g = require('../../src/utils/chart-geometry');

const close = (a, b) => expect(a).toBeCloseTo(b, 6);

describe('pie slices', () => {
  const frame = g.pieFrame(300, 180);

  test('the frame is centred and fits the shorter side', () => {
    expect(frame).toEqual({ cx: 150, cy: 90, radius: 82 });
    expect(g.pieFrame(10, 10).radius).toBe(0);
  });

  test('angles follow the shares clockwise from 12 o’clock and close the circle', () => {
    const slices = g.pieSlices([{ label: '升学', value: 1 }, { label: '单位就业', value: 3 }], frame);
    expect(slices.map((s) => [s.label, s.percent])).toEqual([['升学', 25], ['单位就业', 75]]);
    close(slices[0].startAngle, -Math.PI / 2);
    close(slices[0].endAngle, 0);
    close(slices[1].startAngle, 0);
    close(slices[1].endAngle, Math.PI * 1.5);
    // The first slice's label sits at 45° inside it.
    close(slices[0].labelX, 150 + Math.cos(-Math.PI / 4) * 82 * 0.62);
    close(slices[0].labelY, 90 + Math.sin(-Math.PI / 4) * 82 * 0.62);
  });

  test('zero and invalid values get no slice but keep their colour index', () => {
    const slices = g.pieSlices([{ label: 'a', value: 0 }, { label: 'b', value: 'x' }, { label: 'c', value: 2 }, { label: 'd', value: -1 }], frame);
    expect(slices).toHaveLength(1);
    expect(slices[0]).toMatchObject({ index: 2, color: g.colorAt(2), percent: 100 });
    close(slices[0].endAngle - slices[0].startAngle, Math.PI * 2);
    expect(g.pieSlices([], frame)).toEqual([]);
    expect(g.pieSlices([{ label: 'a', value: 0 }], frame)).toEqual([]);
  });

  test('thin slices hide their percentage label; the last slice ends exactly', () => {
    const data = [{ label: 'big', value: 97 }, { label: 'small', value: 1 }, { label: 'x', value: 1 }, { label: 'y', value: 1 }];
    const slices = g.pieSlices(data, frame);
    expect(slices.map((s) => s.showLabel)).toEqual([true, false, false, false]);
    expect(slices[slices.length - 1].endAngle).toBe(-Math.PI / 2 + Math.PI * 2);
  });
});

describe('scales and text', () => {
  test('niceCeiling rounds up to 1, 2 or 5 × 10ⁿ', () => {
    expect([0, 0.3, 1, 3, 7, 10, 12, 48, 51, 100, 101, 2500].map(g.niceCeiling)).toEqual([1, 0.5, 1, 5, 10, 10, 20, 50, 100, 100, 200, 5000]);
    expect(g.niceCeiling(NaN)).toBe(1);
  });

  test('text width counts CJK as a full em', () => {
    expect(g.textWidth('院系', 12)).toBe(24);
    expect(g.textWidth('ab', 10)).toBe(12);
    expect(g.textWidth('', 12)).toBe(0);
  });

  test('fitText shortens with an ellipsis', () => {
    expect(g.fitText('软件工程', 48, 12)).toBe('软件工程');
    expect(g.fitText('计算机科学与技术学院', 48, 12)).toBe('计算机…');
    expect(g.fitText('计算机', 5, 12)).toBe('');
  });

  test('percentOf and formatValue round to one decimal', () => {
    expect(g.percentOf(2, 3)).toBe(66.7);
    expect(g.percentOf(1, 0)).toBe(0);
    expect(g.formatValue(71.42)).toBe('71.4');
    expect(g.formatValue(12)).toBe('12');
  });
});

describe('bar layout', () => {
  const data = [{ label: '江苏省', value: 8 }, { label: '上海市', value: 3 }, { label: '浙江省', value: 0 }];

  test('rows stack from the top; the height follows the rows', () => {
    const layout = g.barLayout(data, { width: 300, unit: '人' });
    expect(layout.height).toBe(8 * 2 + 3 * 32);
    expect(g.barChartHeight(3)).toBe(layout.height);
    expect(layout.bars.map((b) => b.y)).toEqual([16, 48, 80]);
    expect(layout.bars.map((b) => b.text)).toEqual(['8人', '3人', '0人']);
  });

  test('lengths scale to a round maximum; values sit after the bar; everything fits', () => {
    const layout = g.barLayout(data, { width: 300, unit: '人' });
    expect(layout.scaleMax).toBe(10);
    const [first, second, third] = layout.bars;
    close(first.w, layout.track * 0.8);
    close(second.w, layout.track * 0.3);
    expect(third.w).toBe(0);
    expect(first.x).toBe(8 + layout.labelWidth + 8);
    expect(first.valueX).toBe(first.x + first.w + 4);
    // The longest value still fits inside the canvas at the end of a full bar.
    expect(first.x + layout.track + 4 + g.textWidth('8人', 12)).toBeLessThanOrEqual(300);
    expect(first.labelX).toBe(8 + layout.labelWidth);
  });

  test('a fixed maximum (100 for rates) caps longer values; long labels are shortened', () => {
    const layout = g.barLayout([{ label: '计算机科学与技术学院', value: 120 }, { label: '外国语学院', value: 50 }], { width: 200, max: 100, unit: '%' });
    expect(layout.scaleMax).toBe(100);
    close(layout.bars[0].w, layout.track);
    close(layout.bars[1].w, layout.track / 2);
    expect(layout.labelWidth).toBeCloseTo((200 - 16) * 0.38, 6);
    expect(layout.bars[0].label).toMatch(/…$/);
    expect(layout.bars[0].fullLabel).toBe('计算机科学与技术学院');
    expect(layout.bars[1].label).toBe('外国语学院');
  });

  test('no data: no bars, just the padding', () => {
    expect(g.barLayout([], {}).bars).toEqual([]);
    expect(g.barLayout(null, {}).height).toBe(16);
  });
});

test('legend rows repeat the numbers, with shares for a pie', () => {
  const data = [{ label: '单位就业', value: 3 }, { label: '待就业', value: 1 }];
  expect(g.legendRows(data, { type: 'pie', unit: '人' })).toEqual([
    { index: 0, label: '单位就业', value: 3, text: '3人', percentText: '75%', color: g.colorAt(0) },
    { index: 1, label: '待就业', value: 1, text: '1人', percentText: '25%', color: g.colorAt(1) },
  ]);
  expect(g.legendRows(data, { unit: '%' })[1]).toMatchObject({ text: '1%', percentText: '' });
});
