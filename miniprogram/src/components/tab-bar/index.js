// The bottom navigation of the home pages; its items depend on the role.
const session = require('../../api/session');

const COUNSELOR_ITEMS = [
  { key: 'tasks', text: '任务', url: '/pages/tasks/index' },
  { key: 'stats', text: '就业进展', url: '/pages/stats/index' },
  { key: 'me', text: '我的', url: '/pages/me/index' },
];

const ADMIN_ITEMS = [
  { key: 'admin-tasks', text: '任务', url: '/pages/admin/home/index' },
  { key: 'admin-stats', text: '就业统计', url: '/pages/admin/stats/index' },
  { key: 'accounts', text: '账号', url: '/pages/admin/accounts/index' },
  { key: 'follow', text: '关注绑定', url: '/pages/admin/follow/index' },
  { key: 'me', text: '我的', url: '/pages/me/index' },
];

function itemsFor(role) {
  return session.isAdmin(role) ? ADMIN_ITEMS : COUNSELOR_ITEMS;
}

Component({
  properties: {
    current: { type: String, value: '' },
    role: { type: String, value: '' },
  },
  data: {
    items: COUNSELOR_ITEMS,
  },
  lifetimes: {
    attached() {
      this.setData({ items: itemsFor(this.data.role) });
    },
  },
  observers: {
    role(role) {
      this.setData({ items: itemsFor(role) });
    },
  },
  methods: {
    onTap(event) {
      const key = event.currentTarget.dataset.key;
      if (key === this.data.current) return;
      const item = this.data.items.find((entry) => entry.key === key);
      if (item) wx.redirectTo({ url: item.url });
    },
  },
});
