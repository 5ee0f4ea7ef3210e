// Stops the server and the WeChat mock started by global-setup.js and removes their folder
// (kept when FUDAO_MP_KEEP is set, for its server.log).
const fs = require('fs');

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

module.exports = async function globalTeardown() {
  const state = globalThis.__FUDAO_MP__;
  if (!state) return;
  await Promise.all(state.children.map(stop));
  if (!process.env.FUDAO_MP_KEEP) fs.rmSync(state.tmp, { recursive: true, force: true });
};
