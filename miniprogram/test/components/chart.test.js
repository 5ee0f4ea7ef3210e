const { mountComponent, tap, textOf } = require('../support/mount');
const { statistics } = require('../support/employment');
const employment = require('../../src/utils/employment');

// A 2D context that records what is painted.
function recordingCanvas() {
  const calls = [];
  const ctx = new Proxy(
    { calls },
    {
      get(target, name) {
        if (name in target) return target[name];
        return (...args) => calls.push([name, ...args]);
      },
      set(target, name, value) {
        calls.push([`set ${String(name)}`, value]);
        return true;
      },
    },
  );
  const canvas = { width: 0, height: 0, getContext: (kind) => (kind === '2d' ? ctx : null) };
  return { canvas, calls, count: (name) => calls.filter((c) => c[0] === name).length, texts: () => calls.filter((c) => c[0] === 'fillText').map((c) => c[1]) };
}

// Pretend the canvas node exists, as on a phone.
function withCanvasNode(comp, canvas, size = { width: 300, height: 180 }) {
  comp.instance.createSelectorQuery = () => ({
    select: () => ({
      fields: () => ({
        exec: (callback) => Promise.resolve().then(() => callback([Object.assign({ node: canvas }, size)])),
      }),
    }),
  });
}

const GROUPS = [{ label: '单位就业', value: 6 }, { label: '升学', value: 2 }, { label: '待就业', value: 0 }];

describe('chart', () => {
  test('without a canvas node (as in tests) a pie still shows its numbers as a table', async () => {
    const chart = mountComponent('components/chart/index', { type: 'pie', items: GROUPS, unit: '人' });
    await wxControl.settle();
    const rows = chart.querySelectorAll('.chart-row').map(textOf);
    expect(rows).toEqual(['单位就业6人75%', '升学2人25%', '待就业0人0%']);
    expect(chart.querySelector('#chart-canvas')).toBeTruthy();
    expect(chart.instance._painted).toBeUndefined();
  });

  test('a pie painted on a canvas: one slice per positive value, percentages inside', async () => {
    wx.getWindowInfo = () => ({ pixelRatio: 2 });
    const chart = mountComponent('components/chart/index', { type: 'pie', items: GROUPS, unit: '人' });
    const rec = recordingCanvas();
    withCanvasNode(chart, rec.canvas);
    await wxControl.settle();
    expect(chart.instance._painted).toBe(1);
    expect([rec.canvas.width, rec.canvas.height]).toEqual([600, 360]);
    expect(rec.calls).toContainEqual(['scale', 2, 2]);
    expect(rec.count('arc')).toBe(2);
    expect(rec.count('fill')).toBe(2);
    expect(rec.texts()).toEqual(['75%', '25%']);
  });

  test('bars: track, bar, label and value per row; redrawn when the items change', async () => {
    const chart = mountComponent('components/chart/index', { type: 'bar', items: [{ label: '江苏省', value: 6 }, { label: '上海市', value: 3 }], unit: '人' });
    const rec = recordingCanvas();
    withCanvasNode(chart, rec.canvas, { width: 300, height: 80 });
    await wxControl.settle();
    expect(rec.count('fillRect')).toBe(4);
    expect(rec.texts()).toEqual(['江苏省', '6人', '上海市', '3人']);
    expect(chart.instance.data.canvasHeight).toBe(80);

    chart.setData({ items: [{ label: '浙江省', value: 1 }] });
    await wxControl.settle();
    expect(chart.instance._painted).toBe(2);
    expect(rec.texts().slice(-2)).toEqual(['浙江省', '1人']);
    expect(chart.querySelectorAll('.chart-row').map(textOf)).toEqual(['浙江省1人']);
    expect(chart.instance.data.canvasHeight).toBe(48);
  });

  test('a broken canvas does not break the page', async () => {
    const chart = mountComponent('components/chart/index', { type: 'bar', items: [{ label: 'a', value: 1 }] });
    const canvas = { getContext: () => { throw new Error('no 2d'); } };
    withCanvasNode(chart, canvas);
    await wxControl.settle();
    expect(chart.instance._painted).toBeUndefined();
    expect(chart.instance.drawOnNode(null)).toBe(false);
    expect(chart.instance.drawOnNode({ node: {} })).toBe(false);
    expect(textOf(chart)).toContain('a1');
  });

  test('nothing to draw: the empty line, no canvas; the table can be turned off', () => {
    const empty = mountComponent('components/chart/index', { type: 'pie', items: [{ label: 'a', value: 0 }], emptyText: '没有数据' });
    expect(textOf(empty)).toBe('没有数据');
    expect(empty.querySelector('#chart-canvas')).toBeFalsy();
    const bare = mountComponent('components/chart/index', { type: 'bar', items: [{ label: 'a', value: 1 }], legend: false });
    expect(bare.querySelector('#chart-canvas')).toBeTruthy();
    expect(bare.querySelectorAll('.chart-row')).toHaveLength(0);
  });
});

describe('employment-report', () => {
  test('summary, pie, breakdown table, levels, regions, employer types and industries', () => {
    const report = mountComponent('components/employment-report/index', {
      report: employment.report(statistics()),
      breakdownTitle: '按院系',
    });
    expect(textOf(report.querySelector('#graduates'))).toBe('13');
    expect(textOf(report.querySelector('#placed'))).toBe('9');
    expect(textOf(report.querySelector('#rate'))).toBe('69.2%');
    expect(textOf(report.querySelector('#groups'))).toContain('单位就业7人53.8%');
    expect(textOf(report.querySelector('#breakdown'))).toContain('按院系去向落实率');
    expect(textOf(report.querySelector('#row-0'))).toBe('智能制造学院6/9人66.7%');
    expect(textOf(report.querySelector('#row-1'))).toBe('电子信息学院3/4人75%');
    expect(textOf(report.querySelector('#by-level'))).toContain('专科');
    expect(textOf(report.querySelector('#regions'))).toContain('江苏省6人');
    expect(textOf(report.querySelector('#employer-types'))).toContain('其他企业7人');
    expect(textOf(report.querySelector('#industries'))).toContain('行业代码 655人');
  });

  test('rows open only when drillable', async () => {
    const rows = [
      { key: '5', label: '江南示范大学', graduates: 10, placed: 8, rate_percent: 80, groups: [] },
      { key: '', label: '', graduates: 1, placed: 0, rate_percent: 0, groups: [] },
    ];
    const report = mountComponent('components/employment-report/index', {
      report: employment.report(statistics({ breakdown: rows })),
      breakdownTitle: '按高校',
      drillable: true,
    });
    const opened = [];
    report.addEventListener('drill', (event) => opened.push(event.detail));
    await tap(report, '#row-0');
    await tap(report, '#row-1');
    expect(opened).toEqual([{ index: 0, key: '5', label: '江南示范大学' }]);
    expect(textOf(report.querySelector('#row-1'))).toContain('未填写');

    report.setData({ drillable: false });
    await tap(report, '#row-0');
    expect(opened).toHaveLength(1);
  });
});
