// An admin's home: the tasks of their own unit, newest first, each with its progress, and
// the ways to 就业资讯 and (school and college admins) the employment data import.
const pagedList = require('../../../behaviors/paged-list');
const tasks = require('../../../services/tasks');
const session = require('../../../api/session');
const labels = require('../../../utils/labels');
const capabilities = require('../../../services/capabilities');
const format = require('../../../utils/format');

function decorate(task) {
  const progress = task.progress || { assigned: 0, viewed: 0, completed: 0, done: 0, done_percent: 0 };
  const statusType = { draft: 'muted', published: 'done', withdrawn: 'muted' }[task.status] || 'muted';
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
  };
}

Component({
  behaviors: [pagedList],
  data: {
    role: '',
    canImport: false,
  },
  methods: {
    async onLoad() {
      this.setData({ role: session.getRole() });
      try {
        const caps = await capabilities.load();
        this.setData({ canImport: caps.imports_employment });
      } catch (error) {
        // Shown by the request layer; the list still loads.
      }
      await this.loadPage(true);
    },
    fetchPage(page, perPage) {
      return tasks.listOwnTasks({ page, perPage });
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
  },
});
