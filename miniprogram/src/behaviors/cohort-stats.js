// Employment statistics of one cohort (届): the latest with data by default (no cohort sent),
// or the one picked; the picker offers the latest cohort and the four before it. A page using
// it provides fetchStats(cohort) → Promise<statistics> (cohort undefined: the latest); a newer
// load wins over an older one still in flight. Pull-down reloads.
const employment = require('../utils/employment');

module.exports = Behavior({
  data: {
    report: null,
    cohortOptions: [],
    cohortIndex: 0,
    loading: false,
    loaded: false,
    failed: false,
  },
  methods: {
    async loadStats() {
      this._statsSeq = (this._statsSeq || 0) + 1;
      const seq = this._statsSeq;
      const picked = this._pickedCohort || undefined;
      this.setData({ loading: true, failed: false });
      try {
        const stats = await this.fetchStats(picked);
        if (seq !== this._statsSeq) return;
        if (!picked && stats.cohort) this._latestCohort = stats.cohort;
        const options = employment.cohortOptions(this._latestCohort || stats.cohort);
        if (stats.cohort && !options.some((o) => o.value === stats.cohort)) {
          options.push({ value: stats.cohort, label: `${stats.cohort}届` });
          options.sort((a, b) => b.value - a.value);
        }
        this.setData({
          report: employment.report(stats),
          cohortOptions: options,
          cohortIndex: Math.max(0, options.findIndex((o) => o.value === stats.cohort)),
          loading: false,
          loaded: true,
        });
      } catch (error) {
        // Shown by the request layer.
        if (seq === this._statsSeq) this.setData({ loading: false, loaded: true, failed: true });
      }
    },
    onCohortChange(event) {
      const option = this.data.cohortOptions[Number(event.detail.value)];
      if (!option) return undefined;
      this._pickedCohort = option.value;
      return this.loadStats();
    },
    async onPullDownRefresh() {
      try {
        await this.loadStats();
      } finally {
        wx.stopPullDownRefresh();
      }
    },
  },
});
