// Login, silent login, logout and password change. Pages never call wx.request.
const http = require('../api/request');
const session = require('../api/session');

// POST /api/v1/auth/login with a wx.login code, so this WeChat can log in silently later.
async function login(username, password) {
  const code = await http.wxLoginCode();
  const body = { username: username.trim(), password };
  if (code) body.code = code;
  const result = await http.post('/api/v1/auth/login', body, { auth: false });
  session.setToken(result.token);
  return result;
}

// The change ends silent login for every WeChat; a wx.login code keeps it for this one.
async function changePassword(oldPassword, newPassword) {
  const code = await http.wxLoginCode();
  const body = { old_password: oldPassword, new_password: newPassword };
  if (code) body.code = code;
  const result = await http.post('/api/v1/me/password', body);
  session.setToken(result.token);
  return result;
}

async function logout() {
  try {
    const token = session.getToken();
    if (token) await http.post('/api/v1/auth/logout', {}, { auth: false, toast: false, token });
  } catch (error) {
    // The session may already be gone; logging out locally is what matters.
  }
  session.clear();
}

module.exports = { login, changePassword, logout, silentLogin: http.silentLogin };
