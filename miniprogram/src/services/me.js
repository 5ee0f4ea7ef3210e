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

// End silent login from this WeChat: the next start asks for the password.
function unlinkMini() {
  return http.del('/api/v1/me/mini-link');
}

module.exports = { fetchMe, createBindCode, unlinkMini };
