// Follow-and-bind status of counselors, for admins.
const http = require('../api/request');

function fetchFollowStatus() {
  return http.get('/api/v1/wechat/follow-status');
}

function listFollowCounselors({ state, page, perPage }) {
  return http.get('/api/v1/wechat/follow-status/counselors', { state, page, per_page: perPage });
}

// Text the binding steps to these counselors (the server skips the bound and those texted
// today): {queued, already_bound, sent_today, no_phone}.
function textBindSteps(accountIds) {
  return http.post('/api/v1/wechat/bind-sms', { account_ids: accountIds });
}

module.exports = { fetchFollowStatus, listFollowCounselors, textBindSteps };
