// Follows the app's navigation in flow tests: mounts whatever page is on top of the fake
// page stack, as WeChat would show it.
const fs = require('fs');
const { mountPage, tap } = require('./mount');

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

// An import page's template (#template): downloaded and shown by WeChat's document viewer
// as an XLSX file (a ZIP: "PK" first).
async function expectTemplateOpens(page) {
  await tap(page, '#template');
  const template = wxControl.state.documents.pop();
  expect(template).toMatchObject({ fileType: 'xlsx', showMenu: true, failed: false });
  expect(fs.readFileSync(template.filePath).subarray(0, 2).toString()).toBe('PK');
}

module.exports = { coldStart, follow, expectTemplateOpens };
