// Follow-and-bind status of the counselors in scope: the counts, and who has not bound or
// has unfollowed (they receive no template message).
const pagedList = require('../../../behaviors/paged-list');
const wechat = require('../../../services/wechat');
const session = require('../../../api/session');

Component({
  behaviors: [pagedList],
  data: {
    role: '',
    tab: 'not_bound',
    counts: null,
    boundPercent: 0,
  },
  methods: {
    onLoad() {
      this.setData({ role: session.getRole() });
      return this.refresh();
    },
    refresh() {
      return Promise.all([this.loadCounts(), this.loadPage(true)]);
    },
    async loadCounts() {
      try {
        const counts = await wechat.fetchFollowStatus();
        const percent = counts.counselors ? (counts.bound * 100) / counts.counselors : 0;
        this.setData({ counts, boundPercent: Math.round(percent * 10) / 10 });
      } catch (error) {
        // Shown by the request layer.
      }
    },
    fetchPage(page, perPage) {
      return wechat.listFollowCounselors({ state: this.data.tab, page, perPage });
    },
    onTabTap(event) {
      const tab = event.currentTarget.dataset.tab;
      if (tab === this.data.tab) return undefined;
      this.setData({ tab, items: [], loaded: false, finished: false });
      return this.loadPage(true);
    },
  },
});
