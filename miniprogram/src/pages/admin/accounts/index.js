// Accounts in the admin's scope: search, filter by role, and for the accounts the admin
// manages: edit, reset the password (sent by SMS, which is also how a failed SMS is sent
// again; without an SMS contract the new password is shown once to copy and hand over),
// disable or enable; create one, or many from a file (批量导入). Counselors can be narrowed to a
// class (届); the filtered list opens as an XLSX (导出), and admins who manage counselors reach
// the year's turnover (换届) from here.
const pagedList = require('../../../behaviors/paged-list');
const accounts = require('../../../services/accounts');
const session = require('../../../api/session');
const labels = require('../../../utils/labels');
const capabilities = require('../../../services/capabilities');
const credentials = require('../../../services/credentials');
const files = require('../../../services/files');

// The classes a list is narrowed to: the one under way, the one before (until its turnover)
// and the next (counselors carried over early).
function cohortOptions(current) {
  const all = [{ value: '', label: '全部届别' }];
  if (!current) return all;
  return all.concat(
    [current, current - 1, current + 1].map((year) => ({ value: String(year), label: `${year}届` })),
  );
}

function decorate(account) {
  return {
    id: account.id,
    name: account.name,
    username: account.username,
    // Beside the masked phone only when it is not the phone number itself.
    shownUsername: labels.shownUsername(account.username, account.phone),
    phone: account.phone || '',
    role: account.role,
    roleLabel: account.role_label,
    unitName: account.org_unit.name,
    cohortText: account.cohort ? `${account.cohort}届` : '',
    disabled: account.disabled,
    mustChange: account.must_change_password,
    bound: account.wechat.bound,
    smsBadge: labels.credentialsSmsBadge(account.credentials_sms),
  };
}

Component({
  behaviors: [pagedList],
  data: {
    role: '',
    q: '',
    roleOptions: [{ value: '', label: '全部角色' }],
    roleIndex: 0,
    cohortOptions: [{ value: '', label: '全部届别' }],
    cohortIndex: 0,
    canCreate: false,
    canImport: false,
    canTurnover: false,
  },
  methods: {
    async onLoad() {
      let caps;
      try {
        caps = await capabilities.load();
      } catch (error) {
        return;
      }
      this._caps = caps;
      this.setData({
        role: session.getRole(),
        roleOptions: [{ value: '', label: '全部角色' }].concat(caps.readable_roles),
        cohortOptions: cohortOptions(caps.current_cohort),
        canCreate: caps.creatable_roles.length > 0,
        canImport: caps.imports_accounts,
        canTurnover: capabilities.manages(caps, 'counselor'),
      });
      await this.loadPage(true);
    },
    filters() {
      return {
        q: this.data.q.trim(),
        role: this.data.roleOptions[this.data.roleIndex].value,
        cohort: this.data.cohortOptions[this.data.cohortIndex].value,
      };
    },
    fetchPage(page, perPage) {
      return accounts.listAccounts(Object.assign(this.filters(), { page, perPage }));
    },
    decorateItem: decorate,
    onQueryInput(event) {
      this.setData({ q: event.detail.value });
    },
    onSearch() {
      return this.loadPage(true);
    },
    onRoleChange(event) {
      this.setData({ roleIndex: Number(event.detail.value) });
      return this.loadPage(true);
    },
    onCohortChange(event) {
      this.setData({ cohortIndex: Number(event.detail.value) });
      return this.loadPage(true);
    },
    onExport() {
      return files.openFile(accounts.exportFile(this.filters()));
    },
    onTurnover() {
      wx.navigateTo({ url: '/pages/admin/turnover/index' });
    },
    onCreate() {
      wx.navigateTo({ url: '/pages/admin/account-edit/index' });
    },
    onImport() {
      wx.navigateTo({ url: '/pages/admin/account-import/index' });
    },
    onItemTap(event) {
      const item = this.data.items[Number(event.currentTarget.dataset.index)];
      if (!item) return;
      if (!capabilities.manages(this._caps || capabilities.NONE, item.role)) {
        wx.showToast({ title: '只能管理下一级账号，此账号仅可查看', icon: 'none' });
        return;
      }
      const actions = ['编辑', '重置密码', item.disabled ? '启用账号' : '停用账号'];
      wx.showActionSheet({
        itemList: actions,
        success: (res) => {
          if (res.tapIndex === 0) wx.navigateTo({ url: `/pages/admin/account-edit/index?id=${item.id}` });
          else if (res.tapIndex === 1) this.confirmReset(item);
          else if (res.tapIndex === 2) this.confirmToggle(item);
        },
      });
    },
    confirmReset(item) {
      const shown = credentials.showsOnce(this._caps);
      wx.showModal({
        title: '重置密码',
        content: shown
          ? `将为「${item.name}」生成新密码，只向你显示一次，请转交本人；对方下次登录须修改密码。`
          : `将为「${item.name}」生成新密码并短信发送，对方下次登录须修改密码。`,
        confirmText: '重置',
        success: async (res) => {
          if (!res.confirm) return;
          let result;
          try {
            result = await accounts.resetPassword(item.id);
          } catch (error) {
            return; // Shown by the request layer.
          }
          const password = credentials.shownPassword(result);
          if (password) this.showNewPassword(item, password);
          else wx.showToast({ title: `新密码已发送至 ${result.sent_to}`, icon: 'none' });
        },
      });
    },
    // The new password, once: 复制 puts it (with the username) on the clipboard.
    showNewPassword(item, password) {
      const issued = { name: item.name, username: item.username, password };
      const login = item.shownUsername || '本人手机号';
      wx.showModal({
        title: '新密码（只显示这一次）',
        content: `${item.name}\n用户名：${login}\n新密码：${password}\n关闭后无法再次查看，请复制后发给本人。`,
        confirmText: '复制',
        cancelText: '关闭',
        success: (res) => {
          if (res.confirm) credentials.copy(issued);
        },
      });
    },
    confirmToggle(item) {
      const disable = !item.disabled;
      wx.showModal({
        title: disable ? '停用账号' : '启用账号',
        content: disable
          ? `停用后「${item.name}」将立即退出登录且无法再登录。`
          : `启用后「${item.name}」可以重新登录。`,
        confirmText: disable ? '停用' : '启用',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            const updated = disable
              ? await accounts.disableAccount(item.id)
              : await accounts.enableAccount(item.id);
            const index = this.data.items.findIndex((entry) => entry.id === item.id);
            if (index >= 0) this.setData({ [`items[${index}]`]: decorate(updated) });
            wx.showToast({ title: disable ? '已停用' : '已启用', icon: 'success' });
          } catch (error) {
            // Shown by the request layer.
          }
        },
      });
    },
  },
});
