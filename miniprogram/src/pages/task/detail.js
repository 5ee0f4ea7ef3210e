// One task of a counselor: read (the first read is recorded), open its attachments, forward
// to students, complete, sign in to a live course. Template messages open this page as
// pages/task/detail?id=ID, also on a cold start without a session: the request layer then
// logs in silently or goes to the login page, which comes back here.
const openedById = require('../../behaviors/opened-by-id');
const myTasks = require('../../services/myTasks');
const attachments = require('../../services/attachments');
const files = require('../../services/files');
const format = require('../../utils/format');

const SIGN_IN_TEXT = {
  not_open: (s) => `签到将于 ${format.formatDateTime(s.opens_at)} 开放`,
  open: (s) => `签到进行中，${format.formatDateTime(s.closes_at)} 截止`,
  closed: () => '签到已结束',
};

function view(task) {
  const badge = format.deadlineBadge(task);
  const signIn = task.sign_in;
  return {
    task,
    paragraphs: format.paragraphs(task.content),
    badgeText: badge.text,
    badgeType: badge.type,
    deadlineText: format.formatDateTime(task.deadline),
    // The badge already says 截止 … while the task is open; the line is for done or late.
    deadlineLine: badge.text.indexOf('截止') !== 0,
    publishedText: task.published_at ? format.formatDateTime(task.published_at) : '',
    liveText: task.starts_at
      ? `${format.formatDateTime(task.starts_at)} – ${format.formatDateTime(task.ends_at)}`
      : '',
    completedText: task.completed_at ? format.formatDateTime(task.completed_at) : '',
    signedInText: task.signed_in_at ? format.formatDateTime(task.signed_in_at) : '',
    signInText: signIn && !task.signed_in_at && SIGN_IN_TEXT[signIn.state] ? SIGN_IN_TEXT[signIn.state](signIn) : '',
    canSignIn: Boolean(signIn && signIn.state === 'open' && !task.signed_in_at),
    canComplete: !task.completed_at,
    canShare: Boolean(task.share_token),
    shareNote: task.share_token ? '' : task.share_note || '该任务不能转发',
  };
}

Component({
  behaviors: [openedById],
  data: {
    task: null,
    loading: true,
    failed: false,
    busy: false,
    attachments: [],
    attachmentsFailed: false,
  },
  methods: {
    async load() {
      if (!this.data.id) {
        this.setData({ loading: false, failed: true });
        return;
      }
      this.setData({ loading: true, failed: false });
      const attached = this.loadAttachments();
      try {
        const task = await myTasks.fetchMyTask(this.data.id);
        this.show(task);
        await attached;
      } catch (error) {
        this.setData({ failed: error.code !== 'unauthenticated' && error.code !== 'password_change_required' });
      } finally {
        this.setData({ loading: false });
      }
    },
    // The files of the task; a failure is said next to them (the task itself is readable).
    async loadAttachments() {
      try {
        const list = await attachments.listAttachments(this.data.id, { toast: false });
        this.setData({ attachments: list.map(files.attachmentItem), attachmentsFailed: false });
      } catch (error) {
        this.setData({ attachmentsFailed: !error.handled });
      }
    },
    onOpenAttachment(event) {
      const item = this.data.attachments[event.detail.index];
      return item ? files.openFile(item) : undefined;
    },
    onRetryAttachments() {
      return this.loadAttachments();
    },
    show(task) {
      this.setData(view(task));
      // The top-right menu must not forward what may not be forwarded.
      if (task.share_token) wx.showShareMenu({ menus: ['shareAppMessage'] });
      else wx.hideShareMenu({ menus: ['shareAppMessage', 'shareTimeline'] });
    },
    onComplete() {
      if (this.data.busy || !this.data.task) return;
      wx.showModal({
        title: '确认完成',
        content: `确认已完成「${this.data.task.title}」？完成后无法撤销。`,
        confirmText: '已完成',
        success: (res) => {
          if (res.confirm) this.complete();
        },
      });
    },
    async complete() {
      this.setData({ busy: true });
      try {
        const task = await myTasks.completeMyTask(this.data.id);
        this.show(task);
        if (task.done) wx.showToast({ title: '已完成', icon: 'success' });
        else wx.showToast({ title: '已标记完成，还需在直播时段内签到', icon: 'none' });
      } catch (error) {
        // Shown by the request layer.
      } finally {
        this.setData({ busy: false });
      }
    },
    async onSignIn() {
      if (this.data.busy) return;
      this.setData({ busy: true });
      try {
        const task = await myTasks.signInMyTask(this.data.id);
        this.show(task);
        wx.showToast({ title: '签到成功', icon: 'success' });
      } catch (error) {
        // sign_in_not_open, sign_in_closed... shown by the request layer.
      } finally {
        this.setData({ busy: false });
      }
    },
    onCopyLink() {
      wx.setClipboardData({ data: this.data.task.link });
    },
    onShareAppMessage() {
      const task = this.data.task;
      if (task && task.share_token) {
        return { title: task.title, path: `/pages/share/index?token=${task.share_token}` };
      }
      // Confidential: nothing of the task leaves the counselor's phone.
      return { title: '辅导员就业工作平台', path: '/pages/index/index' };
    },
  },
});
