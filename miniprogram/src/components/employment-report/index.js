// The employment report shared by the counselor's and the admins' statistics pages: the
// summary (graduates, placed, 去向落实率), the destination groups as a pie, the breakdown
// as bars and a table (rows open the unit below when `drillable`: event `drill` with
// {index, key, label}), education levels, and where placed graduates went.
Component({
  // The cards, stats and rows of app.wxss apply here too.
  options: { styleIsolation: 'apply-shared' },
  properties: {
    // The result of utils/employment.js report().
    report: { type: Object, value: null },
    breakdownTitle: { type: String, value: '' },
    drillable: { type: Boolean, value: false },
  },
  methods: {
    onRowTap(event) {
      if (!this.data.drillable) return;
      const index = Number(event.currentTarget.dataset.index);
      const row = this.data.report && this.data.report.breakdown[index];
      if (!row || !row.key) return;
      this.triggerEvent('drill', { index, key: row.key, label: row.label });
    },
  },
});
