// 批量导入账号: a filled-in template (XLSX or CSV) chosen from a chat is checked first (a dry
// run: the valid rows, and each row error with the server's suggestions such as “可能是：
// 计算机科学与技术”; nothing is written), then imported after a confirmation: every valid
// row becomes an account (initial passwords by SMS, or, without an SMS contract, in a
// workbook the admin downloads once within ten minutes), the rest are reported again.
const spreadsheetCheck = require('../../../behaviors/spreadsheet-check');
const accounts = require('../../../services/accounts');
const files = require('../../../services/files');
const capabilities = require('../../../services/capabilities');
const labels = require('../../../utils/labels');
const credentials = require('../../../services/credentials');
const { formatDateTime } = require('../../../utils/format');

// The one-time workbook of initial passwords, as services/files.js opens it.
const CREDENTIALS_FILE = {
  filename: '初始密码.xlsx',
  content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

// Rows listed at once (a file can hold a whole university).
const SHOWN_ROWS = 200;

function accountRow(account) {
  return {
    key: `${account.row}-${account.username}`,
    row: account.row,
    name: account.name,
    username: account.username,
    shownUsername: labels.shownUsername(account.username, account.phone_masked),
    roleLabel: capabilities.roleLabel(capabilities.cached(), account.role),
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
    // Without SMS: {url, accounts, until} of the one-time workbook of initial passwords.
    download: r.credentials_download
      ? {
          url: r.credentials_download.url,
          accounts: r.credentials_download.accounts,
          until: formatDateTime(r.credentials_download.expires_at),
        }
      : null,
  };
}

Component({
  behaviors: [spreadsheetCheck],
  data: {
    importing: false,
    // The one-time workbook was opened: it cannot be fetched again.
    downloaded: false,
  },
  methods: {
    onTemplate() {
      return files.openFile(accounts.IMPORT_TEMPLATE);
    },
    dryRun(file) {
      return accounts.importAccounts(file, { dryRun: true });
    },
    checkView: reportView,
    isBusy() {
      return this.data.importing;
    },
    onConfirm() {
      const check = this.data.check;
      if (!check || check.validCount === 0 || this.data.importing) return;
      const skipped = check.errorCount ? `有错误的 ${check.errorCount} 行不会导入，可修改后再导入。` : '';
      const handover = credentials.showsOnce(capabilities.cached())
        ? '导入后请在 10 分钟内下载初始密码表（只能下载一次）并转交本人。'
        : '初始密码将短信发送给本人。';
      wx.showModal({
        title: '确认导入',
        content: `将创建 ${check.validCount} 个账号，${handover}${skipped}`,
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
    async onDownloadCredentials() {
      const result = this.data.result;
      if (!result || !result.download || this.data.downloaded) return;
      const shown = await files.openFile(Object.assign({ url: result.download.url }, CREDENTIALS_FILE));
      if (shown) this.setData({ downloaded: true });
    },
    onBack() {
      if (getCurrentPages().length > 1) wx.navigateBack();
      else wx.redirectTo({ url: '/pages/admin/accounts/index' });
    },
  },
});
