// A horizontal bar for a 0–100 percentage, with an optional caption on the right.
function clamp(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  return Math.min(100, Math.max(0, n));
}

Component({
  properties: {
    percent: { type: Number, value: 0 },
    caption: { type: String, value: '' },
  },
  data: {
    width: 0,
    text: '0%',
  },
  lifetimes: {
    attached() {
      this.show(this.data.percent);
    },
  },
  observers: {
    percent(value) {
      this.show(value);
    },
  },
  methods: {
    show(value) {
      const width = clamp(value);
      this.setData({ width, text: `${Math.round(width * 10) / 10}%` });
    },
  },
});
