// Renders pages to standalone HTML files (render/out/, emptied first) for a look in a
// browser; `npm run shots` then screenshots them (render/shoot.js). See README.
module.exports = {
  rootDir: '..',
  testEnvironment: '<rootDir>/test/env/jsdom-with-fetch.js',
  testMatch: ['<rootDir>/render/*.render.js'],
  globalSetup: '<rootDir>/render/clean.js',
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.js', '<rootDir>/render/setup.js'],
  testTimeout: 30000,
};
