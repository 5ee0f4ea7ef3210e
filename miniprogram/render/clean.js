// Jest's globalSetup for the renders: start from an empty render/out, so that the pages and
// screenshots of a render that was renamed or removed do not linger.
const fs = require('fs');
const path = require('path');

module.exports = () => {
  const out = path.resolve(__dirname, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
};
