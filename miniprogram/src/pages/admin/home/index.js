// An admin's home: the tasks of their own unit, newest first, each with its progress, or
// (上级任务) the tasks from above that reached the admin's counselors, to follow and chase; and
// the ways to 就业资讯 and (school and college admins) the employment data import.
const pagedList = require('../../../behaviors/paged-list');
const tasks = require('../../../services/tasks');
const session = require('../../../api/session');
const labels = require('../../../utils/labels');
const capabilities = require('../../../services/capabilities');
const format = require('../../../utils/format');

function decorate(task) {
  const progress = task.progress || { assigned: 0, viewed: 0, completed: 0, done: 0, done_percent: 0 };
  // Published is a state, not an achievement: blue, not green (the bar says how far it got).
  const statusType = { draft: 'muted', published: 'primary', withdrawn: 'muted' }[task.status] || 'muted';
  return {
    id: task.id,
    title: task.title,
    kindLabel: task.kind_label,
    statusLabel: labels.TASK_STATUS[task.status] || task.status,
    statusType,
    confidential: task.confidential,
    deadlineText: format.formatDateTime(task.deadline),
    assigned: progress.assigned,
    viewed: progress.viewed,
    done: progress.done,
    percent: progress.done_percent,
    caption: `${progress.done}/${progress.assigned}`,
    published: task.status === 'published',
    publisher: task.publisher,
  };
}

Component({
  behaviors: [pagedList],
  data: {
    role: '',
    canImport: false,
    // 'own': the unit's own tasks; 'received': tasks from above. The ministry has no above.
    tab: 'own',
    hasAbove: false,
  },
  methods: {
    async onLoad() {
      const role = session.getRole();
      this.setData({ role, hasAbove: role !== 'ministry_admin' });
      try {
        const caps = await capabilities.load();
        this.setData({ canImport: caps.imports_employment });
      } catch (error) {
        // Shown by the request layer; the list still loads.
      }
      await this.loadPage(true);
    },
    fetchPage(page, perPage) {
      return this.data.tab === 'received'
        ? tasks.listReceivedTasks({ page, perPage })
        : tasks.listOwnTasks({ page, perPage });
    },
    onTabTap(event) {
      const tab = event.currentTarget.dataset.tab;
      if (tab === this.data.tab) return undefined;
      this.setData({ tab, items: [] });
      return this.loadPage(true);
    },
    decorateItem: decorate,
    onItemTap(event) {
      wx.navigateTo({ url: `/pages/admin/progress/index?id=${event.currentTarget.dataset.id}` });
    },
    onCreate() {
      wx.navigateTo({ url: '/pages/admin/task-new/index' });
    },
    onOpenNews() {
      wx.navigateTo({ url: '/pages/admin/news/index' });
    },
    onOpenImport() {
      wx.navigateTo({ url: '/pages/admin/employment-import/index' });
    },
    onOpenAudit() {
      wx.navigateTo({ url: '/pages/admin/audit/index' });
    },
  },
});
