// Where the app sends the user: login and password pages with a way back, and the home
// page of each role. Only pages of this app are accepted as a way back.

const session = require('./api/session');

const LOGIN = '/pages/login/index';
const PASSWORD = '/pages/password/index';
const LAUNCH = '/pages/index/index';
const COUNSELOR_HOME = '/pages/tasks/index';
const ADMIN_HOME = '/pages/admin/home/index';
const COUNSELOR_STATS = '/pages/stats/index';
const ADMIN_STATS = '/pages/admin/stats/index';

// Pages that are never a destination to return to after logging in.
const NO_RETURN = [LOGIN, PASSWORD, LAUNCH];

let lastRedirect = { url: '', at: 0 };

function buildUrl(route, options) {
  const path = route.charAt(0) === '/' ? route : `/${route}`;
  const query = Object.keys(options || {})
    .filter((key) => options[key] !== undefined && options[key] !== null && options[key] !== '')
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(options[key])}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

// The page the user is looking at, as a URL with its query, or '' when unknown.
function currentUrl() {
  if (typeof getCurrentPages !== 'function') return '';
  const pages = getCurrentPages();
  const page = pages && pages[pages.length - 1];
  if (!page || !page.route) return '';
  return buildUrl(page.route, page.options);
}

function pathOf(url) {
  return String(url || '').split('?')[0];
}

// A return address is kept only when it is a page of this app worth returning to.
function safeReturn(url) {
  if (!url || typeof url !== 'string') return '';
  if (!/^\/pages\/[a-z0-9/_-]+(\?.*)?$/i.test(url)) return '';
  if (NO_RETURN.indexOf(pathOf(url)) >= 0) return '';
  return url;
}

function homeOf(role) {
  return session.isAdmin(role) ? ADMIN_HOME : COUNSELOR_HOME;
}

// The employment statistics page of the role (counselors and admins each have their own).
function statsOf(role) {
  return session.isAdmin(role) ? ADMIN_STATS : COUNSELOR_STATS;
}

// Several requests failing together must not stack several login pages.
function once(url) {
  const now = Date.now();
  if (lastRedirect.url === url && now - lastRedirect.at < 1500) return false;
  lastRedirect = { url, at: now };
  return true;
}

function toLogin(returnTo) {
  const back = safeReturn(returnTo === undefined ? currentUrl() : returnTo);
  if (pathOf(currentUrl()) === LOGIN) return;
  const url = back ? `${LOGIN}?redirect=${encodeURIComponent(back)}` : LOGIN;
  if (once(url)) wx.reLaunch({ url });
}

function toChangePassword(returnTo) {
  const back = safeReturn(returnTo === undefined ? currentUrl() : returnTo);
  if (pathOf(currentUrl()) === PASSWORD) return;
  const url = `${PASSWORD}?forced=1${back ? `&redirect=${encodeURIComponent(back)}` : ''}`;
  if (once(url)) wx.redirectTo({ url });
}

// After logging in or changing the password: back to where the user was, or home.
function afterLogin(redirect, role) {
  const back = safeReturn(redirect);
  lastRedirect = { url: '', at: 0 };
  wx.reLaunch({ url: back || homeOf(role) });
}

// Query values reach onLoad as they were written in the URL: decode an encoded one once.
function decodeParam(value) {
  if (!value) return '';
  const text = String(value);
  if (!/%[0-9a-f]{2}/i.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch (error) {
    return text;
  }
}

function resetForTests() {
  lastRedirect = { url: '', at: 0 };
}

module.exports = {
  LOGIN,
  PASSWORD,
  LAUNCH,
  COUNSELOR_HOME,
  ADMIN_HOME,
  COUNSELOR_STATS,
  ADMIN_STATS,
  buildUrl,
  currentUrl,
  safeReturn,
  homeOf,
  statsOf,
  toLogin,
  toChangePassword,
  afterLogin,
  decodeParam,
  resetForTests,
};
