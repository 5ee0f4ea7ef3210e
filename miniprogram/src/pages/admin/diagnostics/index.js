// 名称诊断: why a counselor sees no employment figures. The data names colleges and majors
// as the school's report does; the catalog as the accounts were set up. This page lists where
// they disagree and fixes the colleges in place (a school admin creates the college the data
// names, or renames an existing one to it); majors and counselors are fixed on their pages.
const employment = require('../../../services/employment');
const org = require('../../../services/org');
const session = require('../../../api/session');
const capabilities = require('../../../services/capabilities');

Component({
  data: {
    report: null,
    loading: false,
    failed: false,
    canFixColleges: false,
    busy: false,
  },
  methods: {
    onLoad() {
      this.setData({ canFixColleges: session.getRole() === 'school_admin' });
      return this.load();
    },
    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },
    async load() {
      this.setData({ loading: true, failed: false });
      try {
        const found = await employment.fetchDiagnostics();
        const levelLabel = (level) => capabilities.levelLabel(capabilities.cached(), level);
        this.setData({
          report: {
            cohort: found.cohort,
            colleges: found.colleges_without_unit,
            accounts: found.accounts,
            majors: found.majors_without_counselor.map((m) => Object.assign({}, m, { levelLabel: levelLabel(m.education_level) })),
            clean:
              found.colleges_without_unit.length === 0 &&
              found.accounts.length === 0 &&
              found.majors_without_counselor.length === 0,
          },
        });
      } catch (error) {
        this.setData({ failed: true });
      } finally {
        this.setData({ loading: false });
      }
    },
    university() {
      const profile = session.getProfile();
      return profile && profile.org_unit ? profile.org_unit.id : null;
    },
    // A college name of the data: create it, or give an existing college that name.
    onCollegeTap(event) {
      const name = event.currentTarget.dataset.name;
      if (!this.data.canFixColleges || this.data.busy || !name) return;
      wx.showActionSheet({
        itemList: [`新建院系“${name}”`, '把现有院系改成这个名称'],
        success: (res) => (res.tapIndex === 0 ? this.createCollege(name) : this.chooseRename(name)),
      });
    },
    async createCollege(name) {
      this.setData({ busy: true });
      try {
        await org.createCollege({ parentId: this.university(), name });
        wx.showToast({ title: `已新建“${name}”`, icon: 'none' });
        await this.load();
      } catch (error) {
        // Shown by the request layer.
      } finally {
        this.setData({ busy: false });
      }
    },
    async chooseRename(name) {
      let colleges;
      try {
        colleges = await org.listAllUnits({ parentId: this.university(), kind: 'college' });
      } catch (error) {
        return;
      }
      if (colleges.length === 0) return;
      // An action sheet shows at most six entries.
      const shown = colleges.slice(0, 6);
      wx.showActionSheet({
        itemList: shown.map((c) => c.name),
        success: (res) => {
          const college = shown[res.tapIndex];
          if (college) this.confirmRename(college, name);
        },
      });
    },
    confirmRename(college, name) {
      wx.showModal({
        title: '修改院系名称',
        content: `把“${college.name}”改名为“${name}”？该院系的辅导员将按新名称匹配就业数据。`,
        confirmText: '改名',
        success: async (res) => {
          if (!res.confirm) return;
          this.setData({ busy: true });
          try {
            await org.renameUnit(college.id, name);
            wx.showToast({ title: '已改名', icon: 'success' });
            await this.load();
          } catch (error) {
            // Shown by the request layer.
          } finally {
            this.setData({ busy: false });
          }
        },
      });
    },
    onAccountTap(event) {
      wx.navigateTo({ url: `/pages/admin/account-edit/index?id=${event.currentTarget.dataset.id}` });
    },
  },
});
