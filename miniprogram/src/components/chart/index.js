// A small chart drawn with the Canvas 2D API: type 'pie' (shares of a whole) or 'bar'
// (horizontal bars), items [{label, value}]. The geometry comes from utils/chart-geometry.js;
// this component only paints it. Under the canvas a text table repeats the numbers (screen
// readers, and phones or tests where the canvas node is missing); without a canvas node the
// component simply shows that table.
const geometry = require('../../utils/chart-geometry');

const FONT = 'sans-serif';

function pixelRatio() {
  try {
    if (typeof wx.getWindowInfo === 'function') return wx.getWindowInfo().pixelRatio || 1;
    if (typeof wx.getSystemInfoSync === 'function') return wx.getSystemInfoSync().pixelRatio || 1;
  } catch (error) {
    // Fall back to 1.
  }
  return 1;
}

function paintPie(ctx, items, width, height) {
  const frame = geometry.pieFrame(width, height);
  const slices = geometry.pieSlices(items, frame);
  slices.forEach((slice) => {
    ctx.beginPath();
    ctx.moveTo(frame.cx, frame.cy);
    ctx.arc(frame.cx, frame.cy, frame.radius, slice.startAngle, slice.endAngle);
    ctx.closePath();
    ctx.fillStyle = slice.color;
    ctx.fill();
    if (slices.length > 1) {
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  });
  ctx.fillStyle = '#ffffff';
  ctx.font = `12px ${FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  slices
    .filter((slice) => slice.showLabel)
    .forEach((slice) => ctx.fillText(`${slice.percent}%`, slice.labelX, slice.labelY));
  return slices.length;
}

function paintBars(ctx, items, width, options) {
  const layout = geometry.barLayout(items, Object.assign({ width }, options));
  ctx.font = `12px ${FONT}`;
  ctx.textBaseline = 'middle';
  layout.bars.forEach((bar) => {
    ctx.fillStyle = geometry.TRACK_COLOR;
    ctx.fillRect(bar.x, bar.y, bar.track, bar.h);
    ctx.fillStyle = bar.color;
    ctx.fillRect(bar.x, bar.y, bar.w, bar.h);
    ctx.fillStyle = '#4e5969';
    ctx.textAlign = 'right';
    ctx.fillText(bar.label, bar.labelX, bar.labelY);
    ctx.fillStyle = '#1d2129';
    ctx.textAlign = 'left';
    ctx.fillText(bar.text, bar.valueX, bar.valueY);
  });
  return layout.bars.length;
}

Component({
  properties: {
    type: { type: String, value: 'bar' },
    // [{label, value}]
    items: { type: Array, value: [] },
    // Appended to every value: '人', '%'.
    unit: { type: String, value: '' },
    // The end of a bar chart's scale (100 for rates); 0: a round number above the largest.
    max: { type: Number, value: 0 },
    // The text table under the canvas; off when the page shows a richer table itself.
    legend: { type: Boolean, value: true },
    emptyText: { type: String, value: '暂无数据' },
  },
  data: {
    rows: [],
    empty: true,
    canvasHeight: geometry.PIE_HEIGHT,
    summary: '',
  },
  observers: {
    'type, items, unit, max': function update() {
      if (this._attached) this.update();
    },
  },
  lifetimes: {
    attached() {
      this._attached = true;
      this.update();
    },
    ready() {
      this.draw();
    },
    detached() {
      this._attached = false;
    },
  },
  methods: {
    update() {
      const items = this.data.items || [];
      const type = this.data.type === 'pie' ? 'pie' : 'bar';
      const rows = geometry.legendRows(items, { type, unit: this.data.unit });
      const empty = type === 'pie' ? geometry.sum(items) <= 0 : rows.length === 0;
      const canvasHeight = type === 'pie' ? geometry.PIE_HEIGHT : geometry.barChartHeight(rows.length);
      const summary = rows.map((row) => `${row.label} ${row.text}${row.percentText ? `（${row.percentText}）` : ''}`).join('，');
      this.setData({ rows, empty, canvasHeight, summary }, () => this.draw());
    },
    // Find the canvas node and paint on it; nothing happens where there is none.
    draw() {
      if (!this._attached || this.data.empty || typeof this.createSelectorQuery !== 'function') return;
      try {
        this.createSelectorQuery()
          .select('#chart-canvas')
          .fields({ node: true, size: true })
          .exec((res) => this.drawOnNode(res && res[0]));
      } catch (error) {
        // No canvas support: the table below says the same.
      }
    },
    drawOnNode(info) {
      if (!info || !info.node || typeof info.node.getContext !== 'function') return false;
      try {
        const canvas = info.node;
        const width = info.width || 300;
        const height = info.height || this.data.canvasHeight;
        const ratio = pixelRatio();
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
        const ctx = canvas.getContext('2d');
        if (!ctx) return false;
        if (typeof ctx.setTransform === 'function') ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.scale(ratio, ratio);
        ctx.clearRect(0, 0, width, height);
        this.paint(ctx, width, height);
        this._painted = (this._painted || 0) + 1;
        return true;
      } catch (error) {
        return false;
      }
    },
    // Paint the chart on a 2D context of width × height CSS pixels; returns the shapes drawn.
    paint(ctx, width, height) {
      if (this.data.type === 'pie') return paintPie(ctx, this.data.items, width, height);
      return paintBars(ctx, this.data.items, width, { unit: this.data.unit, max: this.data.max });
    },
  },
});
