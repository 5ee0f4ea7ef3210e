// Publish a 就业资讯 item, or correct one (?id=): title, summary, cover image URL, and
// either a link to an article elsewhere or the text itself (the switch 链接/正文). The API
// checks every field; its message is shown under the field it names.
const news = require('../../../services/news');

function trimmed(value) {
  return String(value || '').trim();
}

Component({
  data: {
    id: '',
    loading: false,
    title: '',
    summary: '',
    coverUrl: '',
    isLink: false,
    linkUrl: '',
    body: '',
    errorField: '',
    errorMessage: '',
    submitting: false,
  },
  methods: {
    async onLoad(options) {
      const id = (options && options.id) || '';
      this.setData({ id });
      if (!id) return;
      wx.setNavigationBarTitle({ title: '编辑资讯' });
      this.setData({ loading: true });
      try {
        const item = await news.fetchNews(id);
        this.setData({
          title: item.title,
          summary: item.summary || '',
          coverUrl: item.cover_url || '',
          isLink: Boolean(item.link_url),
          linkUrl: item.link_url || '',
          body: item.body || '',
        });
      } catch (error) {
        // Shown by the request layer.
      } finally {
        this.setData({ loading: false });
      }
    },
    onInput(event) {
      const field = event.currentTarget.dataset.field;
      const changes = { [field]: event.detail.value };
      if (this.data.errorField && this.data.errorField === event.currentTarget.dataset.api) {
        Object.assign(changes, { errorField: '', errorMessage: '' });
      }
      this.setData(changes);
    },
    onModeChange(event) {
      this.setData({ isLink: Boolean(event.detail.value), errorField: '', errorMessage: '' });
    },
    // The request body, or a Chinese reason why it cannot be sent yet (with its field).
    build() {
      const d = this.data;
      const item = { title: trimmed(d.title) };
      if (!item.title) return { problem: '请填写标题', field: 'title' };
      if (trimmed(d.summary)) item.summary = trimmed(d.summary);
      if (trimmed(d.coverUrl)) item.cover_url = trimmed(d.coverUrl);
      if (d.isLink) {
        item.link_url = trimmed(d.linkUrl);
        if (!item.link_url) return { problem: '请填写文章链接', field: 'link_url' };
      } else {
        item.body = String(d.body || '').replace(/\s+$/, '');
        if (!trimmed(item.body)) return { problem: '请填写正文', field: 'body' };
      }
      return { item };
    },
    onSubmit() {
      if (this.data.submitting || this.data.loading) return;
      const { item, problem, field } = this.build();
      if (problem) {
        this.setData({ errorField: field, errorMessage: problem });
        wx.showToast({ title: problem, icon: 'none' });
        return;
      }
      if (this.data.id) {
        this.save(item);
        return;
      }
      wx.showModal({
        title: '发布资讯',
        content: `发布「${item.title}」？本单位及下级单位的所有账号都能看到。`,
        confirmText: '发布',
        success: (res) => {
          if (res.confirm) this.save(item);
        },
      });
    },
    async save(item) {
      this.setData({ submitting: true, errorField: '', errorMessage: '' });
      try {
        if (this.data.id) await news.updateNews(this.data.id, item);
        else await news.createNews(item);
        wx.showToast({ title: this.data.id ? '已保存' : '已发布', icon: 'success' });
        // Back to the list (which reloads), or to it when this page was opened directly.
        if (getCurrentPages().length > 1) wx.navigateBack();
        else wx.redirectTo({ url: '/pages/admin/news/index' });
      } catch (error) {
        // The request layer showed the message; keep it next to the field it is about.
        if (error.field) this.setData({ errorField: error.field, errorMessage: error.message });
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
