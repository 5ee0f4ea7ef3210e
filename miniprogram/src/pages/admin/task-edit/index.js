// A published task's correction: its content, and its deadline moved later (never earlier:
// counselors may have planned for it). Counselors not done with it get one notice of the change
// (several changes within a few minutes become one). Other fields are fixed once published;
// the page says so instead of offering them.
const tasks = require('../../../services/tasks');
const format = require('../../../utils/format');

Component({
  data: {
    id: '',
    task: null,
    content: '',
    deadlineDate: '',
    deadlineTime: '',
    minDate: '',
    deadlineText: '',
    saving: false,
  },
  methods: {
    async onLoad(options) {
      const id = (options && options.id) || '';
      this.setData({ id });
      let task;
      try {
        task = await tasks.fetchTask(id);
      } catch (error) {
        return; // Shown by the request layer.
      }
      this.setData({
        task,
        content: task.content,
        deadlineDate: format.pickerDate(task.deadline),
        deadlineTime: format.pickerTime(task.deadline),
        minDate: format.pickerDate(task.deadline),
        deadlineText: format.formatDateTime(task.deadline),
      });
    },
    onContentInput(event) {
      this.setData({ content: event.detail.value });
    },
    onPick(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    // Only what changed is sent.
    changes() {
      const d = this.data;
      const changes = {};
      if (d.content.trim() !== d.task.content.trim()) changes.content = d.content;
      const deadline = format.beijingIso(d.deadlineDate, d.deadlineTime);
      if (new Date(deadline).getTime() !== new Date(d.task.deadline).getTime()) {
        changes.deadline = deadline;
      }
      return changes;
    },
    onSave() {
      if (this.data.saving || !this.data.task) return;
      const changes = this.changes();
      if (Object.keys(changes).length === 0) {
        wx.showToast({ title: '没有修改', icon: 'none' });
        return;
      }
      if (changes.deadline && new Date(changes.deadline) < new Date(this.data.task.deadline)) {
        wx.showToast({ title: '截止时间只能延后', icon: 'none' });
        return;
      }
      const what = [changes.content ? '正文' : '', changes.deadline ? '截止时间' : ''].filter(Boolean).join('和');
      wx.showModal({
        title: '保存修改',
        content: `修改${what}后，尚未完成的辅导员会收到一条变更通知。`,
        confirmText: '保存',
        success: async (res) => {
          if (!res.confirm) return;
          this.setData({ saving: true });
          try {
            await tasks.updateTask(this.data.id, changes);
            wx.showToast({ title: '已保存', icon: 'success' });
            wx.navigateBack();
          } catch (error) {
            // Shown by the request layer.
          } finally {
            this.setData({ saving: false });
          }
        },
      });
    },
  },
});
