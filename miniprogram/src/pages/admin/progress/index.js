// Progress of one task: totals, by college and education level, notices, the counselors
// who have not finished (with bind and follow status), and the reminder (催办) button. The
// task's attachments: open, add (a file from a chat) and remove (after a confirmation).
const pagedList = require('../../../behaviors/paged-list');
const tasks = require('../../../services/tasks');
const attachments = require('../../../services/attachments');
const files = require('../../../services/files');
const format = require('../../../utils/format');
const accounts = require('../../../services/accounts');
const capabilities = require('../../../services/capabilities');
const labels = require('../../../utils/labels');

// The chase list's 状态 filter: what each choice asks the API for.
const STATES = [
  { label: '全部状态', query: {} },
  { label: '未读', query: { viewed: false } },
  { label: '已读未完成', query: { viewed: true } },
  { label: '未绑定公众号', query: { bound: false } },
];

function pendingItem(row) {
  // These people have not finished: green would read as done. Notices reach a follower
  // (ordinary, grey); not bound or unfollowed, they cannot (orange: chase by other means).
  let wechatText = '未绑定';
  let wechatType = 'warn';
  if (row.bound && row.following) {
    wechatText = '已关注';
    wechatType = 'muted';
  } else if (row.bound) {
    wechatText = '已取关';
    wechatType = 'warn';
  }
  let stateText = '未读';
  if (row.completed_at) stateText = '已完成，待签到';
  else if (row.viewed_at) stateText = '已读未完成';
  return {
    id: row.account_id,
    name: row.name,
    college: row.college,
    phone: row.phone || '',
    levelsText: (row.education_levels || [])
      .map((level) => capabilities.levelLabel(capabilities.cached(), level))
      .join('、'),
    wechatText,
    wechatType,
    stateText,
  };
}

function group(row) {
  return {
    key: row.key,
    name: row.name,
    caption: `${row.done}/${row.assigned}`,
    percent: row.done_percent,
  };
}

Component({
  behaviors: [pagedList],
  data: {
    id: '',
    progress: null,
    statusLabel: '',
    deadlineText: '',
    remindedText: '',
    colleges: [],
    levelGroups: [],
    reminding: false,
    publishing: false,
    attachments: [],
    attachmentsLoaded: false,
    attachmentsFailed: false,
    uploading: false,
    // The chase list's filters: pickers over the colleges and levels of the progress.
    collegeOptions: [{ value: '', label: '全部院系' }],
    collegeIndex: 0,
    levelOptions: [{ value: '', label: '全部层次' }],
    levelIndex: 0,
    stateOptions: STATES,
    stateIndex: 0,
  },
  methods: {
    onLoad(options) {
      this.setData({ id: (options && options.id) || '' });
      return this.refresh();
    },
    refresh() {
      return Promise.all([this.loadProgress(), this.loadPage(true), this.loadAttachments()]);
    },
    // The task's files; a failure is said next to them (the progress is readable without).
    async loadAttachments() {
      try {
        const list = await attachments.listAttachments(this.data.id, { toast: false });
        this.setData({ attachments: list.map(files.attachmentItem), attachmentsLoaded: true, attachmentsFailed: false });
      } catch (error) {
        this.setData({ attachmentsFailed: !error.handled });
      }
    },
    onRetryAttachments() {
      return this.loadAttachments();
    },
    onOpenAttachment(event) {
      const item = this.data.attachments[event.detail.index];
      return item ? files.openFile(item) : undefined;
    },
    // A file from a chat (documents or images), uploaded at once.
    async onAddAttachment() {
      if (this.data.uploading) return;
      const file = await files.chooseFile({ type: 'all' });
      if (!file) return;
      this.setData({ uploading: true });
      try {
        const added = await attachments.uploadAttachment(this.data.id, file);
        this.setData({ attachments: this.data.attachments.concat([files.attachmentItem(added)]) });
        wx.showToast({ title: '已添加附件', icon: 'success' });
      } catch (error) {
        // Wrong type, too large, too many: the API's message, shown by the request layer.
      } finally {
        this.setData({ uploading: false });
      }
    },
    onRemoveAttachment(event) {
      const item = this.data.attachments[event.detail.index];
      if (!item) return;
      wx.showModal({
        title: '删除附件',
        content: `删除「${item.filename}」？辅导员和学生将不能再查看它。`,
        confirmText: '删除',
        confirmColor: '#d54941',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            await attachments.deleteAttachment(this.data.id, item.id);
            this.setData({ attachments: this.data.attachments.filter((entry) => entry.id !== item.id) });
            wx.showToast({ title: '已删除', icon: 'success' });
          } catch (error) {
            // Shown by the request layer.
          }
        },
      });
    },
    async loadProgress() {
      try {
        const progress = await tasks.fetchProgress(this.data.id);
        this.setData({
          progress,
          statusLabel: labels.TASK_STATUS[progress.status] || progress.status,
          deadlineText: format.formatDateTime(progress.deadline),
          remindedText: progress.last_reminded_at ? format.formatDateTime(progress.last_reminded_at) : '',
          colleges: progress.by_college.map(group),
          levelGroups: progress.by_education_level.map(group),
          collegeOptions: [{ value: '', label: '全部院系' }].concat(
            progress.by_college.map((row) => ({ value: row.key, label: row.name })),
          ),
          levelOptions: [{ value: '', label: '全部层次' }].concat(
            progress.by_education_level.map((row) => ({ value: row.key, label: row.name })),
          ),
        });
      } catch (error) {
        // Shown by the request layer.
      }
    },
    filters() {
      const d = this.data;
      return Object.assign(
        {
          college_id: (d.collegeOptions[d.collegeIndex] || {}).value,
          education_level: (d.levelOptions[d.levelIndex] || {}).value,
        },
        (d.stateOptions[d.stateIndex] || STATES[0]).query,
      );
    },
    fetchPage(page, perPage) {
      return tasks.listPending(this.data.id, { page, perPage, filters: this.filters() });
    },
    onFilterChange(event) {
      this.setData({ [event.currentTarget.dataset.field]: Number(event.detail.value) });
      return this.loadPage(true);
    },
    onExportPending() {
      return files.openFile(tasks.pendingExportFile(this.data.id, this.filters()));
    },
    // 电话 / 短信 for one person: the full number is asked for on this tap only (audited).
    onPersonTap(event) {
      const item = this.data.items[Number(event.currentTarget.dataset.index)];
      if (!item) return;
      wx.showActionSheet({
        itemList: ['拨打电话', '复制手机号发短信'],
        success: async (res) => {
          let phone;
          try {
            phone = (await accounts.revealPhone(item.id)).phone;
          } catch (error) {
            return; // Shown by the request layer.
          }
          if (!phone) {
            wx.showToast({ title: '该账号没有手机号', icon: 'none' });
            return;
          }
          if (res.tapIndex === 0) {
            wx.makePhoneCall({ phoneNumber: phone });
          } else {
            wx.setClipboardData({
              data: phone,
              success: () => wx.showToast({ title: '手机号已复制，可粘贴到短信', icon: 'none' }),
            });
          }
        },
      });
    },
    decorateItem: pendingItem,
    onRemind() {
      if (this.data.reminding || !this.data.progress) return;
      wx.showModal({
        title: '催办',
        content: `将向 ${this.data.progress.pending} 名未完成的辅导员中已绑定服务号的人发送催办通知。每小时最多催办一次。`,
        confirmText: '发送',
        success: (res) => {
          if (res.confirm) this.remind();
        },
      });
    },
    // A draft left by a failed publish can be published from here.
    // What the publisher's unit can do with the task, by its state.
    onManage() {
      const progress = this.data.progress;
      if (!progress || !progress.managed) return;
      const actions = {
        published: [
          ['修改正文或延后截止', () => this.onEdit()],
          ['复制为新任务', () => this.onDuplicate()],
          ['撤回任务', () => this.confirmWithdraw()],
        ],
        draft: [
          ['复制为新任务', () => this.onDuplicate()],
          ['删除草稿', () => this.confirmDelete()],
        ],
        withdrawn: [['复制为新任务', () => this.onDuplicate()]],
      }[progress.status] || [];
      if (actions.length === 0) return;
      wx.showActionSheet({
        itemList: actions.map(([label]) => label),
        success: (res) => {
          const chosen = actions[res.tapIndex];
          if (chosen) chosen[1]();
        },
      });
    },
    onEdit() {
      wx.navigateTo({ url: `/pages/admin/task-edit/index?id=${this.data.id}` });
    },
    onDuplicate() {
      wx.navigateTo({ url: `/pages/admin/task-new/index?copy=${this.data.id}` });
    },
    confirmWithdraw() {
      const notices = this.data.progress.notices || {};
      const unsent = (notices.queued || 0) + (notices.sending || 0);
      const cancelled = unsent > 0 ? `${unsent} 条尚未发出的通知将取消；` : '';
      wx.showModal({
        title: '撤回任务',
        content: `撤回后辅导员将看不到「${this.data.progress.title}」；${cancelled}未完成的辅导员会收到撤回通知。撤回后不能恢复。`,
        confirmText: '撤回',
        confirmColor: '#d54941',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            const result = await tasks.withdrawTask(this.data.id);
            const told = result.withdrawal_notices ? `，已通知 ${result.withdrawal_notices} 人` : '';
            wx.showToast({ title: `已撤回${told}`, icon: 'none' });
            await this.refresh();
          } catch (error) {
            // Shown by the request layer.
          }
        },
      });
    },
    confirmDelete() {
      wx.showModal({
        title: '删除草稿',
        content: `删除草稿「${this.data.progress.title}」及其附件？删除后不能恢复。`,
        confirmText: '删除',
        confirmColor: '#d54941',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            await tasks.deleteDraft(this.data.id);
            wx.showToast({ title: '已删除', icon: 'success' });
            wx.navigateBack();
          } catch (error) {
            // Shown by the request layer.
          }
        },
      });
    },
    onPublishDraft() {
      if (this.data.publishing) return;
      wx.showModal({
        title: '发布草稿',
        content: `发布「${this.data.progress.title}」？发布后目标范围内的辅导员都会收到该任务。`,
        confirmText: '发布',
        success: async (res) => {
          if (!res.confirm) return;
          this.setData({ publishing: true });
          try {
            const result = await tasks.publishTask(this.data.id);
            wx.showToast({ title: `已发布，派发 ${result.assigned} 人`, icon: 'none' });
            await this.refresh();
          } catch (error) {
            // Shown by the request layer.
          } finally {
            this.setData({ publishing: false });
          }
        },
      });
    },
    async remind() {
      this.setData({ reminding: true });
      try {
        const result = await tasks.remindTask(this.data.id);
        wx.showToast({
          title: result.queued > 0 ? `已向 ${result.queued} 人发送催办` : '没有可接收通知的未完成辅导员',
          icon: 'none',
        });
        await this.loadProgress();
      } catch (error) {
        // remind_too_soon and others: shown by the request layer.
      } finally {
        this.setData({ reminding: false });
      }
    },
  },
});
