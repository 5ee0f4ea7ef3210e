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

// 忘记密码: a new password with the code the official account sent for 重置密码. Nothing is
// logged in yet; the caller logs in with the new password.
function resetWithCode(username, code, newPassword) {
  return http.post(
    '/api/v1/auth/password-reset',
    { username: username.trim(), code: code.trim(), new_password: newPassword },
    { auth: false },
  );
}

// Which ways to a reset code the server offers: {chat, sms}.
function resetOptions() {
  return http.get('/api/v1/auth/password-reset', undefined, { auth: false, toast: false });
}

// A reset code by SMS to the account's phone (the same answer whether or not it exists).
function sendResetCode(username) {
  return http.post('/api/v1/auth/password-reset/sms', { username: username.trim() }, { auth: false });
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

module.exports = {
  login,
  changePassword,
  resetWithCode,
  resetOptions,
  sendResetCode,
  logout,
  silentLogin: http.silentLogin,
};
