// Jest runs the pages and components in miniprogram-simulate (jsdom) with a fake `wx`
// (test/support/fake-wx.js). The flows in test/flows talk to a real fudao server and its
// WeChat API mock, started once for the whole run by test/global-setup.js.
module.exports = {
  testEnvironment: '<rootDir>/test/env/jsdom-with-fetch.js',
  testMatch: ['<rootDir>/test/**/*.test.js'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.js'],
  testTimeout: 30000,
};
