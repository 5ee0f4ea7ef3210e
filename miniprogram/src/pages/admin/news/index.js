// 就业资讯 an admin manages: every item published in their scope (withdrawn ones too),
// newest first. Publish a new one, view, edit, or withdraw (撤回) after a confirmation.
const pagedList = require('../../../behaviors/paged-list');
const news = require('../../../services/news');

Component({
  behaviors: [pagedList],
  methods: {
    fetchPage(page, perPage) {
      return news.listNews({ managed: true, page, perPage });
    },
    decorateItem: news.listItem,
    onCreate() {
      wx.navigateTo({ url: '/pages/admin/news-edit/index' });
    },
    onItemTap(event) {
      const item = this.data.items[Number(event.currentTarget.dataset.index)];
      if (!item) return;
      const actions = item.withdrawn ? ['查看', '编辑'] : ['查看', '编辑', '撤回'];
      wx.showActionSheet({
        itemList: actions,
        success: (res) => {
          if (res.tapIndex === 0) wx.navigateTo({ url: `/pages/news/detail?id=${item.id}` });
          else if (res.tapIndex === 1) wx.navigateTo({ url: `/pages/admin/news-edit/index?id=${item.id}` });
          else if (res.tapIndex === 2) this.confirmWithdraw(item);
        },
      });
    },
    confirmWithdraw(item) {
      wx.showModal({
        title: '撤回资讯',
        content: `撤回后「${item.title}」将不再向任何人显示，且不能恢复。`,
        confirmText: '撤回',
        confirmColor: '#d54941',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            await news.withdrawNews(item.id);
            const index = this.data.items.findIndex((entry) => entry.id === item.id);
            if (index >= 0) this.setData({ [`items[${index}].withdrawn`]: true });
            wx.showToast({ title: '已撤回', icon: 'success' });
          } catch (error) {
            // Shown by the request layer.
          }
        },
      });
    },
  },
});
