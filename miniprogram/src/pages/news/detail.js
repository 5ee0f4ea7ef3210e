// One 就业资讯 item: title, date, cover, and the text written here (one paragraph per line);
// a linked item shows its summary and copies the link (a mini program cannot open other
// web pages). Admins also see items they withdrew, marked as such.
const openedById = require('../../behaviors/opened-by-id');
const news = require('../../services/news');
const files = require('../../services/files');
const format = require('../../utils/format');

function view(item) {
  const updated = item.updated_at && item.updated_at !== item.published_at;
  return {
    item,
    paragraphs: format.lines(item.body),
    isLink: Boolean(item.link_url),
    dateText: format.formatDateTime(item.published_at),
    updatedText: updated ? format.formatDateTime(item.updated_at) : '',
  };
}

Component({
  behaviors: [openedById],
  data: {
    item: null,
    paragraphs: [],
    isLink: false,
    dateText: '',
    updatedText: '',
    loading: true,
    failed: false,
    failText: '',
  },
  methods: {
    async load() {
      if (!this.data.id) {
        this.setData({ loading: false, failed: true, failText: '链接不完整，无法打开该资讯。' });
        return;
      }
      this.setData({ loading: true, failed: false });
      try {
        const item = await news.fetchNews(this.data.id, { toast: false });
        this.setData(view(item));
      } catch (error) {
        if (error.handled) return;
        this.setData({
          failed: true,
          failText: error.code === 'not_found' ? '该资讯不存在或已撤回。' : error.message,
        });
      } finally {
        this.setData({ loading: false });
      }
    },
    onCopyLink() {
      return files.copyLink(this.data.item.link_url);
    },
    onPreviewCover() {
      const cover = this.data.item && this.data.item.cover_url;
      if (cover) wx.previewImage({ urls: [cover], current: cover });
    },
  },
});
