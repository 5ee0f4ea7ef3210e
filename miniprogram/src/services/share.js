// The students' read-only view of a forwarded task: no login, no token.
const http = require('../api/request');

function fetchShared(token) {
  return http.get(`/api/v1/share/${encodeURIComponent(token)}`, undefined, {
    auth: false,
    toast: false,
  });
}

module.exports = { fetchShared };
