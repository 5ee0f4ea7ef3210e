// Screenshots every render/out/*.html at 375×812 with headless Chromium (render/out/*.png).
// Usage: npx jest -c render/jest.config.js && node render/shoot.js
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const out = path.resolve(__dirname, 'out');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
fs.readdirSync(out)
  .filter((f) => f.endsWith('.html'))
  .forEach((file) => {
    const png = path.join(out, file.replace(/\.html$/, '.png'));
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fudao-render-'));
    execFileSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--hide-scrollbars', `--user-data-dir=${profile}`, '--window-size=375,812',
      `--screenshot=${png}`, `file://${path.join(out, file)}`,
    ], { stdio: 'ignore' });
    fs.rmSync(profile, { recursive: true, force: true });
    console.log(png);
  });
