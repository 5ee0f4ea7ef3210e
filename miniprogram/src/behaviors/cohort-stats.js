// Employment statistics of one cohort (届): the latest with data by default (no cohort sent),
// or the one picked (reloaded with ?cohort=); the picker offers the cohorts with data in the
// scope (the API's `cohorts`). A page using it provides fetchStats(cohort) →
// Promise<statistics> (cohort undefined: the latest) and may provide statsLoaded(stats); a
// newer load wins over an older one still in flight. Pull-down reloads. breakdownTitle
// follows the API's breakdown_kind (按专业, 按院系, 按高校, 按省份).
const employment = require('../utils/employment');

module.exports = Behavior({
  data: {
    report: null,
    breakdownKind: '',
    breakdownTitle: '',
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
        const options = employment.cohortChoices(stats, this._latestCohort);
        const report = employment.report(stats);
        const changes = {
          report,
          cohortOptions: options,
          cohortIndex: Math.max(0, options.findIndex((o) => o.value === stats.cohort)),
          loading: false,
          loaded: true,
        };
        if (report.breakdownKind) changes.breakdownKind = report.breakdownKind;
        if (report.breakdownTitle) changes.breakdownTitle = report.breakdownTitle;
        this.setData(changes);
        if (this.statsLoaded) this.statsLoaded(stats);
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
