// Account management by admins.
const http = require('../api/request');

function listAccounts({ q, role, page, perPage }) {
  return http.get('/api/v1/accounts', { q, role, page, per_page: perPage });
}

function fetchAccount(id) {
  return http.get(`/api/v1/accounts/${encodeURIComponent(id)}`);
}

function createAccount(account) {
  return http.post('/api/v1/accounts', account);
}

function updateAccount(id, changes) {
  return http.patch(`/api/v1/accounts/${encodeURIComponent(id)}`, changes);
}

function resetPassword(id) {
  return http.post(`/api/v1/accounts/${encodeURIComponent(id)}/reset-password`, {});
}

function disableAccount(id) {
  return http.post(`/api/v1/accounts/${encodeURIComponent(id)}/disable`, {});
}

function enableAccount(id) {
  return http.post(`/api/v1/accounts/${encodeURIComponent(id)}/enable`, {});
}

// The bulk import template (XLSX), opened with services/files.js.
const IMPORT_TEMPLATE = {
  url: '/api/v1/accounts/import-template',
  filename: '批量导入账号模板.xlsx',
  content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

// Bulk import from a file ({path, name} from wx.chooseMessageFile): dryRun checks every row
// and writes nothing; otherwise every valid row is created and the rest reported.
function importAccounts(file, { dryRun }) {
  return http.upload({
    path: '/api/v1/accounts/imports',
    query: { dry_run: dryRun ? 'true' : 'false', filename: file.name },
    filePath: file.path,
    name: 'file',
  });
}

module.exports = {
  listAccounts,
  fetchAccount,
  createAccount,
  updateAccount,
  resetPassword,
  disableAccount,
  enableAccount,
  IMPORT_TEMPLATE,
  importAccounts,
};
