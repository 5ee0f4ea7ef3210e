// The login session kept in the mini program's storage: the bearer token and the last
// profile read from GET /api/v1/me (its role decides which home page and tab bar to show).

const TOKEN_KEY = 'fudao_token';
const PROFILE_KEY = 'fudao_profile';

function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || '';
}

function setToken(token) {
  wx.setStorageSync(TOKEN_KEY, token);
}

function getProfile() {
  return wx.getStorageSync(PROFILE_KEY) || null;
}

function setProfile(profile) {
  wx.setStorageSync(PROFILE_KEY, profile);
}

function getRole() {
  const profile = getProfile();
  return profile ? profile.role : '';
}

function isAdmin(role) {
  return Boolean(role) && role !== 'counselor';
}

// The session ended (401): the profile stays until the next GET /me replaces it, so the
// role's pages keep their look after a silent login.
function clearToken() {
  wx.removeStorageSync(TOKEN_KEY);
}

function clear() {
  wx.removeStorageSync(TOKEN_KEY);
  wx.removeStorageSync(PROFILE_KEY);
}

module.exports = { getToken, setToken, getProfile, setProfile, getRole, isAdmin, clearToken, clear };
