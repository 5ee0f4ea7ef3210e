// Create and publish a task. Targets stay inside the admin's scope: the ministry picks
// provinces (or, opened up, their universities), a province its universities, a school its
// colleges, a college nothing; all may narrow by education level, and reach the class (届)
// under way (the default) or every class. The reach (matched,
// bound, not bound) is previewed live; publishing asks for confirmation first. Attachments
// picked here are uploaded to the draft before it is published, so the counselors' notice
// never arrives before its files.
const tasks = require('../../../services/tasks');
const attachments = require('../../../services/attachments');
const files = require('../../../services/files');
const org = require('../../../services/org');
const meService = require('../../../services/me');
const session = require('../../../api/session');
const capabilities = require('../../../services/capabilities');
const format = require('../../../utils/format');

const UNIT_HINT = {
  ministry_admin: '选择省份，或展开省份选择高校；不选则发给全部辅导员',
  province_admin: '选择高校；不选则发给本省全部高校的辅导员',
  school_admin: '选择院系；不选则发给本校全部院系的辅导员',
};

function inDays(days) {
  return format.pickerDate(Date.now() + days * 24 * 3600 * 1000);
}

Component({
  data: {
    kinds: [],
    kindIndex: 0,
    isLive: false,
    title: '',
    content: '',
    link: '',
    confidential: false,
    today: '',
    deadlineDate: '',
    deadlineTime: '18:00',
    startDate: '',
    startTime: '19:00',
    endDate: '',
    endTime: '20:30',
    canPickUnits: false,
    unitHint: '',
    units: [],
    levels: [],
    // The class (届) reached: the one under way ('current') or every class ('all').
    cohortChoice: 'current',
    // The title of the task this form was copied from, if any.
    copiedFrom: '',
    currentCohort: 0,
    reach: null,
    // Files picked from chats: {id, filename, sizeText, kind, kindLabel, path, note}.
    files: [],
    submitting: false,
  },
  methods: {
    async onLoad(options) {
      this.setData({ today: inDays(0), deadlineDate: inDays(7), startDate: inDays(1), endDate: inDays(1) });
      let profile = session.getProfile();
      let caps;
      try {
        if (!profile) profile = await meService.fetchMe();
        caps = await capabilities.load();
      } catch (error) {
        return;
      }
      this._profile = profile;
      // Targets are units of these kinds, the first one listed under the admin's own unit and
      // a second one (the ministry's universities) inside the first.
      this._targetKinds = caps.target_unit_kinds;
      const canPickUnits = caps.target_unit_kinds.length > 0;
      this.setData({
        kinds: caps.task_kinds,
        levels: caps.levels.map((l) => ({ value: l.value, label: l.label, checked: false })),
        currentCohort: caps.current_cohort,
        canPickUnits,
        unitHint: UNIT_HINT[profile.role] || '',
      });
      if (canPickUnits) await this.loadUnits(profile.org_unit.id);
      if (options && options.copy) await this.copyFrom(options.copy);
      await this.preview();
    },
    // 复制为新任务: the fields and target of an earlier task; dates start afresh (the old ones
    // may have passed) and attachments stay with the original.
    async copyFrom(id) {
      let task;
      try {
        task = await tasks.fetchTask(id);
      } catch (error) {
        return; // Shown by the request layer.
      }
      const target = task.target;
      const kindIndex = Math.max(0, this.data.kinds.findIndex((k) => k.value === task.kind));
      this.setData({
        copiedFrom: task.title,
        kindIndex,
        isLive: task.kind === 'live_course',
        title: task.title,
        content: task.content,
        link: task.link || '',
        confidential: task.confidential,
        // Units listed on this form (a university inside a closed province is not).
        units: this.data.units.map((u) => Object.assign({}, u, { checked: target.unit_ids.indexOf(u.id) >= 0 })),
        levels: this.data.levels.map((l) => Object.assign({}, l, { checked: target.education_levels.indexOf(l.value) >= 0 })),
        cohortChoice: target.cohort === null ? 'all' : 'current',
      });
    },
    async loadUnits(parentId) {
      try {
        const items = await org.listAllUnits({ parentId });
        const expandable = this._targetKinds.length > 1;
        this.setData({
          units: items.map((u) => ({
            id: u.id,
            name: u.name,
            depth: 0,
            checked: false,
            expandable,
            expanded: false,
          })),
        });
      } catch (error) {
        // Shown by the request layer.
      }
    },
    // Ministry: show a province's universities under it.
    async onExpand(event) {
      const index = Number(event.currentTarget.dataset.index);
      const unit = this.data.units[index];
      if (!unit || unit.expanded) return;
      try {
        const items = await org.listAllUnits({ parentId: unit.id });
        const children = items.map((u) => ({
          id: u.id,
          name: u.name,
          depth: 1,
          checked: false,
          expandable: false,
          expanded: false,
        }));
        const units = this.data.units.slice();
        units[index] = Object.assign({}, unit, { expanded: true });
        units.splice(index + 1, 0, ...children);
        this.setData({ units });
      } catch (error) {
        // Shown by the request layer.
      }
    },
    onKindChange(event) {
      const kindIndex = Number(event.detail.value);
      this.setData({ kindIndex, isLive: this.data.kinds[kindIndex].value === 'live_course' });
    },
    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    onPick(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    onConfidential(event) {
      this.setData({ confidential: Boolean(event.detail.value) });
    },
    onUnitTap(event) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ [`units[${index}].checked`]: !this.data.units[index].checked });
      return this.preview();
    },
    onLevelTap(event) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ [`levels[${index}].checked`]: !this.data.levels[index].checked });
      return this.preview();
    },
    onCohortTap(event) {
      const choice = event.currentTarget.dataset.choice;
      if (choice === this.data.cohortChoice) return undefined;
      this.setData({ cohortChoice: choice });
      return this.preview();
    },
    async onAddFile() {
      const file = await files.chooseFile({ type: 'all' });
      if (!file) return;
      this._fileSeq = (this._fileSeq || 0) + 1;
      const item = files.attachmentItem({ id: `new-${this._fileSeq}`, filename: file.name, size: file.size });
      item.path = file.path;
      item.note = '';
      this.setData({ files: this.data.files.concat([item]) });
    },
    // A file already on the draft (a publish stopped at a later file) is removed from it too.
    async onRemoveFile(event) {
      const item = this.data.files[event.detail.index];
      if (!item) return;
      const uploaded = this._uploaded && this._uploaded[item.id];
      if (uploaded) {
        try {
          await attachments.deleteAttachment(this._draftId, uploaded);
        } catch (error) {
          return; // Shown by the request layer.
        }
        delete this._uploaded[item.id];
      }
      this.setData({ files: this.data.files.filter((entry) => entry.id !== item.id) });
    },
    // Upload the files not on the draft yet, in order; stops at the first refusal (its
    // message is shown by the request layer and kept on the file's row).
    async uploadFiles(taskId) {
      this._uploaded = this._uploaded || {};
      for (let index = 0; index < this.data.files.length; index += 1) {
        const item = this.data.files[index];
        if (this._uploaded[item.id]) continue;
        try {
          const added = await attachments.uploadAttachment(taskId, { path: item.path, name: item.filename });
          this._uploaded[item.id] = added.id;
          this.setData({ [`files[${index}].note`]: '' });
        } catch (error) {
          this.setData({ [`files[${index}].note`]: `上传失败：${error.message}` });
          return false;
        }
      }
      return true;
    },
    target() {
      const target = {
        unit_ids: this.data.units.filter((u) => u.checked).map((u) => u.id),
        education_levels: this.data.levels.filter((l) => l.checked).map((l) => l.value),
      };
      // Without a class the server takes the one under way.
      if (this.data.cohortChoice === 'all') target.all_cohorts = true;
      return target;
    },
    async preview() {
      this._previewSeq = (this._previewSeq || 0) + 1;
      const seq = this._previewSeq;
      try {
        const reach = await tasks.previewReach(this.target());
        if (seq === this._previewSeq) this.setData({ reach });
      } catch (error) {
        if (seq === this._previewSeq) this.setData({ reach: null });
      }
    },
    // The request body, or a Chinese reason why it cannot be sent yet.
    buildTask() {
      const d = this.data;
      const title = d.title.trim();
      if (!title) return { problem: '请填写任务标题' };
      if (!d.content.trim()) return { problem: '请填写任务内容' };
      const task = {
        kind: d.kinds[d.kindIndex].value,
        title,
        content: d.content,
        confidential: d.confidential,
        target: this.target(),
      };
      const link = d.link.trim();
      if (link) task.link = link;
      if (d.isLive) {
        if (!d.startDate || !d.endDate) return { problem: '请选择直播开始和结束时间' };
        task.starts_at = format.beijingIso(d.startDate, d.startTime);
        task.ends_at = format.beijingIso(d.endDate, d.endTime);
      } else {
        if (!d.deadlineDate) return { problem: '请选择截止时间' };
        task.deadline = format.beijingIso(d.deadlineDate, d.deadlineTime);
      }
      return { task };
    },
    onPublish() {
      if (this.data.submitting) return;
      const { task, problem } = this.buildTask();
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' });
        return;
      }
      const reach = this.data.reach;
      if (reach && reach.matched === 0) {
        wx.showToast({ title: '所选范围内没有辅导员，请调整发布对象', icon: 'none' });
        return;
      }
      const who = reach
        ? `将派发给 ${reach.matched} 名辅导员，其中 ${reach.bound} 人会收到服务号通知。`
        : '';
      const withFiles = this.data.files.length ? `附件 ${this.data.files.length} 个。` : '';
      wx.showModal({
        title: '确认发布',
        content: `「${task.title}」${who}${withFiles}发布后只能修改正文和延后截止时间。`,
        confirmText: '发布',
        success: (res) => {
          if (res.confirm) this.publish(task);
        },
      });
    },
    async publish(task) {
      this.setData({ submitting: true });
      try {
        // A draft saved by an earlier attempt whose publishing failed is published as it is.
        if (!this._draftId) {
          const draft = await tasks.createTask(task);
          this._draftId = draft.id;
        }
        // A file refused (type, size): the draft waits until the file is removed or replaced.
        if (!(await this.uploadFiles(this._draftId))) return;
        const result = await tasks.publishTask(this._draftId);
        wx.showToast({ title: `已发布，派发 ${result.assigned} 人`, icon: 'none' });
        wx.redirectTo({ url: `/pages/admin/progress/index?id=${this._draftId}` });
      } catch (error) {
        // Shown by the request layer (invalid fields come with the API's message).
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
