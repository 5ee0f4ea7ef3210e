// Before every test: a fresh fake wx with empty storage and no page open; after it, the
// fake's temporary files are removed.
const { createWx } = require('./fake-wx');
require('./mount');

beforeEach(() => {
  const { wx, control, getCurrentPages } = createWx();
  global.wx = wx;
  global.wxControl = control;
  global.getCurrentPages = getCurrentPages;
  // Navigation keeps a short memory against double redirects; start each test clean.
  require('../../src/nav').resetForTests();
});

afterEach(() => {
  global.wxControl.cleanup();
});
