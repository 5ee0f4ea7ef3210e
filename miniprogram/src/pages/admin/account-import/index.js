// 批量导入账号: a filled-in template (XLSX or CSV) chosen from a chat is checked first (a dry
// run: the valid rows, and each row error with the server's suggestions such as “可能是：
// 计算机科学与技术”; nothing is written), then imported after a confirmation: every valid
// row becomes an account (initial passwords by SMS), the rest are reported again.
const accounts = require('../../../services/accounts');
const files = require('../../../services/files');
const labels = require('../../../utils/labels');

// Rows listed at once (a file can hold a whole university).
const SHOWN_ROWS = 200;

function accountRow(account) {
  return {
    key: `${account.row}-${account.username}`,
    row: account.row,
    name: account.name,
    username: account.username,
    roleLabel: labels.roleLabel(account.role),
    college: account.college || '',
    phone: account.phone_masked || '',
  };
}

// The errors of one row together (a row can have several): {key, where, problems}.
function errorGroups(errors) {
  const groups = [];
  const byRow = {};
  errors.forEach((error) => {
    const key = error.row ? `row-${error.row}` : 'file';
    if (!byRow[key]) {
      byRow[key] = { key, row: error.row || 0, where: error.row ? `第 ${error.row} 行` : '文件', problems: [] };
      groups.push(byRow[key]);
    }
    const suggestions = error.suggestions || [];
    byRow[key].problems.push({
      key: byRow[key].problems.length,
      column: error.column || '',
      reason: error.reason,
      hint: suggestions.length ? `可能是：${suggestions.join('、')}` : '',
    });
  });
  return groups;
}

function reportView(report) {
  const r = report || {};
  const valid = r.accounts || [];
  const groups = errorGroups(r.errors || []);
  return {
    rows: r.rows || 0,
    committed: Boolean(r.committed),
    created: r.created || 0,
    validCount: valid.length,
    accounts: valid.slice(0, SHOWN_ROWS).map(accountRow),
    moreAccounts: Math.max(0, valid.length - SHOWN_ROWS),
    // Rows with errors (each listed with all its problems).
    errorCount: groups.length,
    errors: groups.slice(0, SHOWN_ROWS),
    moreErrors: Math.max(0, groups.length - SHOWN_ROWS),
  };
}

Component({
  data: {
    file: null,
    checking: false,
    check: null,
    importing: false,
    result: null,
  },
  methods: {
    onTemplate() {
      return files.openFile(accounts.IMPORT_TEMPLATE);
    },
    async onChoose() {
      if (this.data.checking || this.data.importing) return;
      const file = await files.chooseFile({ type: 'file', extensions: ['xlsx', 'csv'] });
      if (!file) return;
      this.setData({ file: Object.assign({}, file, { sizeText: files.sizeText(file.size) }), check: null, result: null });
      await this.checkFile();
    },
    // The dry run: every row checked, nothing written.
    async checkFile() {
      if (!this.data.file || this.data.checking) return;
      this.setData({ checking: true, check: null });
      try {
        const report = await accounts.importAccounts(this.data.file, { dryRun: true });
        this.setData({ check: reportView(report) });
      } catch (error) {
        // Unreadable file, not allowed...: the API's message, shown by the request layer.
      } finally {
        this.setData({ checking: false });
      }
    },
    onRecheck() {
      return this.checkFile();
    },
    onConfirm() {
      const check = this.data.check;
      if (!check || check.validCount === 0 || this.data.importing) return;
      const skipped = check.errorCount ? `有错误的 ${check.errorCount} 行不会导入，可修改后再导入。` : '';
      wx.showModal({
        title: '确认导入',
        content: `将创建 ${check.validCount} 个账号，初始密码将短信发送给本人。${skipped}`,
        confirmText: '导入',
        success: (res) => {
          if (res.confirm) this.commit();
        },
      });
    },
    async commit() {
      this.setData({ importing: true });
      try {
        const report = await accounts.importAccounts(this.data.file, { dryRun: false });
        this.setData({ result: reportView(report), check: null });
        wx.showToast({ title: `已创建 ${report.created} 个账号`, icon: 'none' });
      } catch (error) {
        // Shown by the request layer.
      } finally {
        this.setData({ importing: false });
      }
    },
    onBack() {
      if (getCurrentPages().length > 1) wx.navigateBack();
      else wx.redirectTo({ url: '/pages/admin/accounts/index' });
    },
  },
});
