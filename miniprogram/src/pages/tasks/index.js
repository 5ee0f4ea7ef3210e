// A counselor's tasks: pending and done tabs, pull-down refresh, next page at the bottom.
const pagedList = require('../../behaviors/paged-list');
const myTasks = require('../../services/myTasks');
const session = require('../../api/session');
const format = require('../../utils/format');

function decorate(task) {
  const badge = format.deadlineBadge(task);
  return {
    id: task.id,
    title: task.title,
    kindLabel: task.kind_label,
    publisher: task.publisher,
    confidential: task.confidential,
    badgeText: badge.text,
    badgeType: badge.type,
    liveText: task.starts_at ? `直播 ${format.formatDateTime(task.starts_at)}` : '',
    doneText: task.done_at ? `完成于 ${format.formatDateTime(task.done_at)}` : '',
    unread: !task.viewed_at,
  };
}

Component({
  behaviors: [pagedList],
  data: {
    tab: 'pending',
    role: 'counselor',
  },
  methods: {
    onLoad() {
      this.setData({ role: session.getRole() || 'counselor' });
      return this.loadPage(true);
    },
    fetchPage(page, perPage) {
      return myTasks.listMyTasks({ status: this.data.tab, page, perPage });
    },
    decorateItem: decorate,
    onTabTap(event) {
      const tab = event.currentTarget.dataset.tab;
      if (tab === this.data.tab) return undefined;
      this.setData({ tab, items: [], loaded: false, finished: false });
      return this.loadPage(true);
    },
    onItemTap(event) {
      wx.navigateTo({ url: `/pages/task/detail?id=${event.currentTarget.dataset.id}` });
    },
  },
});
