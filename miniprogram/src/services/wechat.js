// Follow-and-bind status of counselors, for admins.
const http = require('../api/request');

function fetchFollowStatus() {
  return http.get('/api/v1/wechat/follow-status');
}

function listFollowCounselors({ state, page, perPage }) {
  return http.get('/api/v1/wechat/follow-status/counselors', { state, page, per_page: perPage });
}

module.exports = { fetchFollowStatus, listFollowCounselors };
