// 就业资讯: the items reaching the user (their unit's and those above), newest first, page
// by page. A written item opens here; a linked one shows its summary and the link to copy.
const pagedList = require('../../behaviors/paged-list');
const news = require('../../services/news');
const format = require('../../utils/format');

function decorate(item) {
  return {
    id: item.id,
    title: item.title,
    summary: item.summary || '',
    cover: item.cover_url || '',
    isLink: Boolean(item.link_url),
    dateText: format.formatDateTime(item.published_at),
  };
}

Component({
  behaviors: [pagedList],
  methods: {
    onLoad() {
      return this.loadPage(true);
    },
    fetchPage(page, perPage) {
      return news.listNews({ page, perPage });
    },
    decorateItem: decorate,
    onItemTap(event) {
      wx.navigateTo({ url: `/pages/news/detail?id=${event.currentTarget.dataset.id}` });
    },
  },
});
