// The caller's own profile and the official-account bind code.
const http = require('../api/request');
const session = require('../api/session');

async function fetchMe(extra) {
  const profile = await http.get('/api/v1/me', undefined, extra);
  session.setProfile(profile);
  return profile;
}

function createBindCode() {
  return http.post('/api/v1/me/bind-code', {});
}

module.exports = { fetchMe, createBindCode };
