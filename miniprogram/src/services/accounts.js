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

module.exports = {
  listAccounts,
  fetchAccount,
  createAccount,
  updateAccount,
  resetPassword,
  disableAccount,
  enableAccount,
};
