// Account management by admins.
const http = require('../api/request');

// Filters: q (name, username or phone), role, cohort (a counselor's class, e.g. 2027),
// disabled (true / false / undefined for both).
function listAccounts({ q, role, cohort, disabled, page, perPage }) {
  return http.get('/api/v1/accounts', { q, role, cohort, disabled, page, per_page: perPage });
}

// The accounts the same filters select, as an XLSX file for services/files.js (phones masked).
function exportFile({ q, role, cohort }) {
  const query = [
    ['q', q],
    ['role', role],
    ['cohort', cohort],
  ]
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  return {
    url: `/api/v1/accounts/export${query ? `?${query}` : ''}`,
    filename: '账号列表.xlsx',
    content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}

// 换届: counselors of class `from` listed in carry move to the next class; with disableRest
// every other counselor of that class in scope is disabled. Answers {id, from, to, carried,
// disabled}; undoTurnover(id) reverses it.
function turnover({ from, carry, disableRest }) {
  return http.post('/api/v1/accounts/turnover', { from, carry, disable_rest: disableRest });
}

// The audit log of the admin's subtree, newest first: filters action, actor_id.
function listAudit({ action, actorId, page, perPage }) {
  return http.get('/api/v1/audit', { action, actor_id: actorId, page, per_page: perPage });
}

// The full phone of an account in scope, for a call or a text (audited by the server).
function revealPhone(id) {
  return http.post(`/api/v1/accounts/${encodeURIComponent(id)}/phone`, {});
}

function undoTurnover(id) {
  return http.post(`/api/v1/accounts/turnover/${encodeURIComponent(id)}/undo`, {});
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
  exportFile,
  turnover,
  undoTurnover,
  revealPhone,
  listAudit,
  fetchAccount,
  createAccount,
  updateAccount,
  resetPassword,
  disableAccount,
  enableAccount,
  IMPORT_TEMPLATE,
  importAccounts,
};
