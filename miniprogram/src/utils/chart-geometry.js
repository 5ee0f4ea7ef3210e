// The geometry of the charts drawn by components/chart: pie slices, horizontal bars, scales
// and where labels go. Pure functions of the data and the canvas size (in CSS pixels); the
// component only paints what these return, so all the arithmetic is unit-tested.

const PALETTE = ['#1f6feb', '#00a870', '#ff9f1a', '#7b61ff', '#0fc6c2', '#eb2f96', '#d54941', '#86909c'];

const BAR_COLOR = '#1f6feb';
const TRACK_COLOR = '#eef3fd';
const PIE_HEIGHT = 180;

function colorAt(index) {
  return PALETTE[index % PALETTE.length];
}

function round1(value) {
  return Math.round(value * 10) / 10;
}

// [{label, value}] with string labels and finite values ≥ 0 (anything else counts as 0).
function normalize(data) {
  return (Array.isArray(data) ? data : []).map((entry) => {
    const value = Number(entry && entry.value);
    const label = entry && entry.label !== undefined && entry.label !== null ? String(entry.label) : '';
    return { label, value: Number.isFinite(value) && value > 0 ? value : 0 };
  });
}

function sum(data) {
  return normalize(data).reduce((total, entry) => total + entry.value, 0);
}

// Share of a total in percent, one decimal; 0 when the total is 0.
function percentOf(value, total) {
  return total > 0 ? round1((value * 100) / total) : 0;
}

// 12 → "12", 66.66 → "66.7".
function formatValue(value) {
  return String(round1(Number(value) || 0));
}

// The smallest 1, 2 or 5 × 10ⁿ at or above the value: the end of a bar chart's scale.
function niceCeiling(value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return 1;
  const base = 10 ** Math.floor(Math.log10(n));
  const steps = [1, 2, 5, 10];
  for (let i = 0; i < steps.length; i += 1) {
    if (steps[i] * base >= n - 1e-9) return steps[i] * base;
  }
  return 10 * base;
}

// Estimated width of a text: CJK and other wide characters take a full em, the rest about
// 0.6 em (canvas measureText is not needed for layout, and is absent in tests).
function textWidth(text, fontSize) {
  let width = 0;
  Array.from(String(text || '')).forEach((ch) => {
    width += ch.charCodeAt(0) >= 0x2e80 ? fontSize : fontSize * 0.6;
  });
  return width;
}

// The text shortened with an ellipsis until it fits the width.
function fitText(text, maxWidth, fontSize) {
  const chars = Array.from(String(text || ''));
  if (textWidth(chars.join(''), fontSize) <= maxWidth) return chars.join('');
  const ellipsis = '…';
  while (chars.length > 0 && textWidth(chars.join('') + ellipsis, fontSize) > maxWidth) chars.pop();
  return chars.length ? chars.join('') + ellipsis : '';
}

// Centre and radius of a pie in a width × height canvas.
function pieFrame(width, height, padding = 8) {
  return {
    cx: width / 2,
    cy: height / 2,
    radius: Math.max(0, Math.min(width, height) / 2 - padding),
  };
}

// One slice per positive value, clockwise from 12 o'clock. Each keeps the index of its entry
// (its colour, the same as in the legend), its angles, its share, and where its percentage
// label goes (inside the slice, shown only when the slice is wide enough).
function pieSlices(data, { cx, cy, radius, startAngle = -Math.PI / 2, labelRadius = 0.62, minLabelFraction = 0.06 }) {
  const entries = normalize(data);
  const total = entries.reduce((acc, entry) => acc + entry.value, 0);
  if (total <= 0) return [];
  const full = Math.PI * 2;
  let angle = startAngle;
  const positive = entries
    .map((entry, index) => Object.assign({ index }, entry))
    .filter((entry) => entry.value > 0);
  return positive.map((entry, n) => {
    const fraction = entry.value / total;
    const start = angle;
    // The last slice closes the circle exactly, whatever the rounding.
    const end = n === positive.length - 1 ? startAngle + full : angle + fraction * full;
    angle = end;
    const mid = (start + end) / 2;
    return {
      index: entry.index,
      label: entry.label,
      value: entry.value,
      color: colorAt(entry.index),
      fraction,
      percent: round1(fraction * 100),
      startAngle: start,
      endAngle: end,
      midAngle: mid,
      labelX: cx + Math.cos(mid) * radius * labelRadius,
      labelY: cy + Math.sin(mid) * radius * labelRadius,
      showLabel: fraction >= minLabelFraction,
    };
  });
}

const BAR_DEFAULTS = {
  width: 300,
  rowHeight: 32,
  barHeight: 16,
  fontSize: 12,
  padding: 8,
  gap: 8,
  max: 0,
  unit: '',
  labelShare: 0.38,
};

// Height of a bar chart of n rows.
function barChartHeight(count, options) {
  const o = Object.assign({}, BAR_DEFAULTS, options);
  return o.padding * 2 + Math.max(0, count) * o.rowHeight;
}

// Horizontal bars, one row each: the label right-aligned in a column on the left (shortened
// to fit), the bar scaled to `max` (or a round number above the largest value), the value
// just after the bar's end.
function barLayout(data, options) {
  const o = Object.assign({}, BAR_DEFAULTS, options);
  const entries = normalize(data);
  const largest = entries.reduce((acc, entry) => Math.max(acc, entry.value), 0);
  const scaleMax = o.max > 0 ? o.max : niceCeiling(largest);
  const texts = entries.map((entry) => `${formatValue(entry.value)}${o.unit}`);
  const valueWidth = texts.reduce((acc, text) => Math.max(acc, textWidth(text, o.fontSize)), 0);
  const inner = Math.max(0, o.width - o.padding * 2);
  const widestLabel = entries.reduce((acc, entry) => Math.max(acc, textWidth(entry.label, o.fontSize)), 0);
  const labelWidth = Math.min(widestLabel, inner * o.labelShare);
  const barX = o.padding + labelWidth + o.gap;
  const track = Math.max(0, o.width - o.padding - valueWidth - o.gap - barX);
  const bars = entries.map((entry, index) => {
    const top = o.padding + index * o.rowHeight;
    const middle = top + o.rowHeight / 2;
    const w = (track * Math.min(entry.value, scaleMax)) / scaleMax;
    return {
      index,
      label: fitText(entry.label, labelWidth, o.fontSize),
      fullLabel: entry.label,
      value: entry.value,
      text: texts[index],
      color: BAR_COLOR,
      x: barX,
      y: top + (o.rowHeight - o.barHeight) / 2,
      w,
      h: o.barHeight,
      track,
      labelX: o.padding + labelWidth,
      labelY: middle,
      valueX: barX + w + o.gap / 2,
      valueY: middle,
    };
  });
  return { height: barChartHeight(entries.length, o), scaleMax, labelWidth, track, bars };
}

// The text table under a chart, with the same numbers: value and, for a pie, the share.
function legendRows(data, { type = 'bar', unit = '' } = {}) {
  const entries = normalize(data);
  const total = entries.reduce((acc, entry) => acc + entry.value, 0);
  return entries.map((entry, index) => ({
    index,
    label: entry.label,
    value: entry.value,
    text: `${formatValue(entry.value)}${unit}`,
    percentText: type === 'pie' ? `${percentOf(entry.value, total)}%` : '',
    color: type === 'pie' ? colorAt(index) : BAR_COLOR,
  }));
}

module.exports = {
  PALETTE,
  BAR_COLOR,
  TRACK_COLOR,
  PIE_HEIGHT,
  colorAt,
  normalize,
  sum,
  percentOf,
  formatValue,
  niceCeiling,
  textWidth,
  fitText,
  pieFrame,
  pieSlices,
  barChartHeight,
  barLayout,
  legendRows,
};
