// What a student sees when opening a forwarded task: read-only, no login, no token sent;
// its attachments download through the share link, without a token either.
const shareService = require('../../services/share');
const files = require('../../services/files');
const format = require('../../utils/format');

Component({
  data: {
    token: '',
    task: null,
    loading: true,
    errorTitle: '',
    errorText: '',
    attachments: [],
  },
  methods: {
    onLoad(options) {
      this.setData({ token: (options && options.token) || '' });
      return this.load();
    },
    async load() {
      if (!this.data.token) {
        this.setData({
          loading: false,
          errorTitle: '链接不完整',
          errorText: '请让辅导员重新转发该通知。',
        });
        return;
      }
      this.setData({ loading: true, errorTitle: '', errorText: '' });
      try {
        const task = await shareService.fetchShared(this.data.token);
        this.setData({
          task,
          paragraphs: format.paragraphs(task.content),
          attachments: (task.attachments || []).map(files.attachmentItem),
          deadlineText: format.formatDateTime(task.deadline),
          liveText: task.starts_at
            ? `${format.formatDateTime(task.starts_at)} – ${format.formatDateTime(task.ends_at)}`
            : '',
        });
      } catch (error) {
        if (error.code === 'share_unavailable') {
          this.setData({
            errorTitle: '该通知无法查看',
            errorText: `${error.message}。通知可能已被撤回或仅限辅导员本人阅读，请联系辅导员了解详情。`,
          });
        } else {
          this.setData({ errorTitle: '加载失败', errorText: error.message || '请稍后再试' });
        }
      } finally {
        this.setData({ loading: false });
      }
    },
    onRetry() {
      return this.load();
    },
    onOpenAttachment(event) {
      const item = this.data.attachments[event.detail.index];
      return item ? files.openFile(item, { auth: false }) : undefined;
    },
    onCopyLink() {
      wx.setClipboardData({ data: this.data.task.link });
    },
    onShareAppMessage() {
      const task = this.data.task;
      return {
        title: task ? task.title : '就业通知',
        path: `/pages/share/index?token=${this.data.token}`,
      };
    },
  },
});
