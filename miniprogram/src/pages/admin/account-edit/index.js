// Create an account (role and unit as the admin may choose; a counselor also needs
// education levels and majors from the college's catalog), or edit one (?id=ID).
// The initial password goes to the phone by SMS, or, without an SMS contract, is shown here
// once after creating, with 复制 to hand it over; editing shows whether the latest SMS
// (initial or reset password) reached the phone.
const accounts = require('../../../services/accounts');
const org = require('../../../services/org');
const meService = require('../../../services/me');
const session = require('../../../api/session');
const labels = require('../../../utils/labels');
const capabilities = require('../../../services/capabilities');
const credentials = require('../../../services/credentials');

// The class under way first, then the next and the last (a counselor may start early or stay).
function cohortChoices(current) {
  if (!current) return [];
  return [current, current + 1, current - 1].map((year) => ({ value: year, label: `${year}届` }));
}

Component({
  data: {
    id: '',
    editing: false,
    roles: [],
    roleIndex: 0,
    role: '',
    units: [],
    unitIndex: -1,
    unitName: '',
    name: '',
    phone: '',
    username: '',
    sms: null,
    levels: [],
    majors: [],
    isCounselor: false,
    // 服务届别: new counselors serve the class under way unless another is picked.
    cohorts: [],
    cohortIndex: 0,
    cohortText: '',
    submitting: false,
    phoneHint: '用于接收账号和密码短信',
    // After creating without SMS: {name, username, password}, shown once.
    issued: null,
  },
  methods: {
    async onLoad(options) {
      const id = (options && options.id) || '';
      let profile = session.getProfile();
      let caps;
      try {
        if (!profile) profile = await meService.fetchMe();
        caps = await capabilities.load();
      } catch (error) {
        return;
      }
      this._profile = profile;
      this._caps = caps;
      this._selectedMajors = [];
      this.setData({
        id,
        editing: Boolean(id),
        levels: caps.levels.map((l) => ({ value: l.value, label: l.label, checked: false })),
        cohorts: cohortChoices(caps.current_cohort),
        phoneHint: credentials.showsOnce(caps) ? '11 位手机号，也是默认用户名' : '用于接收账号和密码短信',
      });
      wx.setNavigationBarTitle({ title: id ? '编辑账号' : '新建账号' });
      if (id) await this.loadAccount(id);
      else {
        this.setData({ roles: caps.creatable_roles });
        await this.selectRole(0);
      }
    },
    async loadAccount(id) {
      try {
        const account = await accounts.fetchAccount(id);
        this._selectedMajors = account.majors.map((m) => m.id);
        this._collegeId = account.org_unit.id;
        this.setData({
          role: account.role,
          roles: [{ value: account.role, label: account.role_label }],
          isCounselor: account.role === 'counselor',
          unitName: account.org_unit.name,
          name: account.name,
          phone: account.phone || '',
          username: account.username,
          sms: labels.credentialsSmsLine(account.credentials_sms),
          cohortText: account.cohort ? `${account.cohort}届` : '',
          levels: this.data.levels.map((l) =>
            Object.assign({}, l, { checked: account.education_levels.indexOf(l.value) >= 0 }),
          ),
        });
        if (account.role === 'counselor') await this.loadMajors(account.org_unit.id);
      } catch (error) {
        // Shown by the request layer.
      }
    },
    async selectRole(roleIndex) {
      const role = this.data.roles[roleIndex] ? this.data.roles[roleIndex].value : '';
      this.setData({ roleIndex, role, isCounselor: role === 'counselor', units: [], unitIndex: -1, majors: [] });
      this._selectedMajors = [];
      if (!role) return;
      const kind = capabilities.unitKindOf(this._caps, role);
      try {
        const items = await org.listAllUnits({ kind });
        let units = items.map((u) => ({ id: u.id, name: u.name }));
        // A college admin's own college is the only choice.
        if (units.length === 0 && this._profile.org_unit.kind === kind) {
          units = [{ id: this._profile.org_unit.id, name: this._profile.org_unit.name }];
        }
        this.setData({ units });
        if (units.length === 1) await this.selectUnit(0);
      } catch (error) {
        // Shown by the request layer.
      }
    },
    async selectUnit(unitIndex) {
      const unit = this.data.units[unitIndex];
      this.setData({ unitIndex, unitName: unit ? unit.name : '' });
      this._collegeId = unit ? unit.id : null;
      this._selectedMajors = [];
      if (unit && this.data.isCounselor) await this.loadMajors(unit.id);
    },
    async loadMajors(collegeId) {
      try {
        const majors = await org.listMajors(collegeId);
        this._allMajors = majors;
        this.showMajors();
      } catch (error) {
        // Shown by the request layer.
      }
    },
    // Majors offered at the chosen education levels.
    showMajors() {
      const levels = this.data.levels.filter((l) => l.checked).map((l) => l.value);
      const selected = this._selectedMajors || [];
      const majors = (this._allMajors || [])
        .filter((m) => levels.indexOf(m.education_level) >= 0)
        .map((m) => ({
          id: m.id,
          name: `${m.name}（${capabilities.levelLabel(this._caps, m.education_level)}）`,
          checked: selected.indexOf(m.id) >= 0,
        }));
      this._selectedMajors = majors.filter((m) => m.checked).map((m) => m.id);
      this.setData({ majors });
    },
    onCopy() {
      if (this.data.issued) return credentials.copy(this.data.issued);
      return false;
    },
    onDone() {
      wx.navigateBack({ delta: 1 });
    },
    onCohortChange(event) {
      this.setData({ cohortIndex: Number(event.detail.value) });
    },
    onRoleChange(event) {
      return this.selectRole(Number(event.detail.value));
    },
    onUnitChange(event) {
      return this.selectUnit(Number(event.detail.value));
    },
    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    onLevelTap(event) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ [`levels[${index}].checked`]: !this.data.levels[index].checked });
      this.showMajors();
    },
    onMajorTap(event) {
      const index = Number(event.currentTarget.dataset.index);
      const major = this.data.majors[index];
      this.setData({ [`majors[${index}].checked`]: !major.checked });
      this._selectedMajors = this.data.majors.filter((m) => m.checked).map((m) => m.id);
    },
    async onSubmit() {
      if (this.data.submitting) return;
      const d = this.data;
      let problem = '';
      if (!d.name.trim()) problem = '请填写姓名';
      else if (!/^1\d{10}$/.test(d.phone.trim())) problem = '请填写 11 位手机号';
      else if (!d.editing && !this._collegeId) problem = '请选择所属单位';
      else if (d.isCounselor && !d.levels.some((l) => l.checked)) problem = '请选择学历层次';
      else if (d.isCounselor && this._selectedMajors.length === 0) problem = '请至少选择一个负责专业';
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' });
        return;
      }
      const duties = d.isCounselor
        ? {
            education_levels: d.levels.filter((l) => l.checked).map((l) => l.value),
            major_ids: this._selectedMajors.slice(),
          }
        : {};
      this.setData({ submitting: true });
      try {
        if (d.editing) {
          await accounts.updateAccount(d.id, Object.assign({ name: d.name.trim(), phone: d.phone.trim() }, duties));
          wx.showToast({ title: '已保存', icon: 'success' });
        } else {
          const body = Object.assign(
            { role: d.role, org_unit_id: this._collegeId, name: d.name.trim(), phone: d.phone.trim() },
            duties,
          );
          if (d.username.trim()) body.username = d.username.trim();
          const cohort = d.isCounselor && d.cohorts[d.cohortIndex];
          if (cohort) body.cohort = cohort.value;
          const created = await accounts.createAccount(body);
          const password = credentials.shownPassword(created.credentials);
          if (password) {
            // Shown once: the page stays until the admin has copied it and taps 完成.
            this.setData({ issued: { name: created.name, username: created.username, password } });
            wx.setNavigationBarTitle({ title: '账号已创建' });
            return;
          }
          wx.showToast({ title: '已创建，初始密码已短信发送', icon: 'none' });
        }
        wx.navigateBack({ delta: 1 });
      } catch (error) {
        // Shown by the request layer (e.g. 用户名已被使用).
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
