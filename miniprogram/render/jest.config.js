// Renders pages to standalone HTML files (render/out/) for a look in a browser; see README.
module.exports = {
  rootDir: '..',
  testEnvironment: '<rootDir>/test/env/jsdom-with-fetch.js',
  testMatch: ['<rootDir>/render/*.render.js'],
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.js'],
  testTimeout: 30000,
};
