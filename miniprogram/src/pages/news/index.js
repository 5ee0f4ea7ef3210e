// 就业资讯: the items reaching the user (their unit's and those above), newest first, page
// by page. A written item opens here; a linked one shows its summary and the link to copy.
const pagedList = require('../../behaviors/paged-list');
const news = require('../../services/news');

Component({
  behaviors: [pagedList],
  methods: {
    fetchPage(page, perPage) {
      return news.listNews({ page, perPage });
    },
    decorateItem: news.listItem,
    onItemTap(event) {
      wx.navigateTo({ url: `/pages/news/detail?id=${event.currentTarget.dataset.id}` });
    },
  },
});
