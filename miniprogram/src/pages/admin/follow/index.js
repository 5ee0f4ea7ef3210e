// Follow-and-bind status of the counselors in scope: the counts, and who has not bound or
// has unfollowed (they receive no template message). With an SMS provider, the not-bound
// counselors listed can be texted the binding steps (once a day each).
const pagedList = require('../../../behaviors/paged-list');
const wechat = require('../../../services/wechat');
const session = require('../../../api/session');
const capabilities = require('../../../services/capabilities');

Component({
  behaviors: [pagedList],
  data: {
    role: '',
    tab: 'not_bound',
    counts: null,
    boundPercent: 0,
    canText: false,
    texting: false,
  },
  methods: {
    onLoad() {
      this.setData({ role: session.getRole(), canText: Boolean(capabilities.cached().bind_sms) });
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
    onTextBindSteps() {
      const ids = this.data.items.filter((item) => !item.bound).map((item) => item.id);
      if (this.data.texting || ids.length === 0) return;
      wx.showModal({
        title: '短信提醒绑定',
        content: `将给列表中 ${ids.length} 名未绑定的辅导员发送绑定步骤短信（每人每天最多一条）。`,
        confirmText: '发送',
        success: async (res) => {
          if (!res.confirm) return;
          this.setData({ texting: true });
          try {
            const result = await wechat.textBindSteps(ids);
            const skipped = result.sent_today ? `，${result.sent_today} 人今天已提醒过` : '';
            wx.showToast({ title: `已发送 ${result.queued} 条${skipped}`, icon: 'none' });
          } catch (error) {
            // Shown by the request layer.
          } finally {
            this.setData({ texting: false });
          }
        },
      });
    },
    onTabTap(event) {
      const tab = event.currentTarget.dataset.tab;
      if (tab === this.data.tab) return undefined;
      this.setData({ tab, items: [], loaded: false, finished: false });
      return this.loadPage(true);
    },
  },
});
