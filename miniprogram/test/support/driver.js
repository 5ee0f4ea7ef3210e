// Follows the app's navigation in flow tests: mounts whatever page is on top of the fake
// page stack, as WeChat would show it.
const { mountPage } = require('./mount');

// A cold start at a page (launch, or a tap on a template message).
function coldStart(route, options = {}) {
  wxControl.openPage(route, options);
  return mountPage(route, options);
}

// The page the app navigated to last.
function follow() {
  const top = wxControl.top();
  if (!top) throw new Error('no page is open');
  return mountPage(top.route, top.options);
}

module.exports = { coldStart, follow };
