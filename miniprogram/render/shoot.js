// Screenshots every render/out/*.html with headless Chromium (render/out/*.png): 375 px wide
// like a phone in WeChat, as tall as the page (at least 812 px, an iPhone X screen), so that
// nothing below the first screen goes unseen. One browser for all pages, driven through the
// DevTools protocol on a pipe (no extra packages).
// Usage: npm run shots (jest -c render/jest.config.js, which empties render/out, then this).
// CHROMIUM names another browser binary; SHOTS_SCALE the device pixel ratio (default 2).
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const OUT = path.resolve(__dirname, 'out');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WIDTH = 375;
const SCREEN = 812;
const SCALE = Number(process.env.SHOTS_SCALE || 2);
const TIMEOUT_MS = 30000;

function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fudao-render-'));
  const child = spawn(
    CHROMIUM,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-extensions', '--hide-scrollbars', '--mute-audio', `--user-data-dir=${profile}`,
      '--remote-debugging-pipe', 'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });

  let nextId = 1;
  const pending = new Map();
  const listeners = [];
  let buffer = Buffer.alloc(0);
  child.stdio[4].on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    let end;
    while ((end = buffer.indexOf(0)) >= 0) {
      const message = JSON.parse(buffer.subarray(0, end).toString('utf8'));
      buffer = buffer.subarray(end + 1);
      if (message.id && pending.has(message.id)) {
        const { resolve, reject, method } = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      } else if (message.method) {
        listeners.slice().forEach((listen) => listen(message));
      }
    }
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.on('exit', (code) => {
    pending.forEach(({ reject }) => reject(new Error(`chromium exited (${code}): ${stderr}`)));
    pending.clear();
  });
  child.on('error', (error) => {
    pending.forEach(({ reject }) => reject(error));
    pending.clear();
  });

  function send(method, params = {}, sessionId) {
    const id = nextId;
    nextId += 1;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, method });
      child.stdio[3].write(`${JSON.stringify(message)}\0`);
    });
  }

  // The next event `method` of `sessionId`, or an error after TIMEOUT_MS.
  function once(method, sessionId) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.splice(listeners.indexOf(listen), 1);
        reject(new Error(`no ${method} within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
      function listen(message) {
        if (message.method !== method || message.sessionId !== sessionId) return;
        clearTimeout(timer);
        listeners.splice(listeners.indexOf(listen), 1);
        resolve(message.params);
      }
      listeners.push(listen);
    });
  }

  async function close() {
    try {
      await Promise.race([send('Browser.close'), exited]);
    } catch (error) {
      // Already gone.
    }
    if (child.exitCode === null) child.kill();
    await exited;
    fs.rmSync(profile, { recursive: true, force: true });
  }

  return { send, once, close };
}

async function shoot(browser, html, png) {
  const { send, once } = browser;
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  try {
    await send('Page.enable', {}, sessionId);
    await send('Emulation.setDeviceMetricsOverride', { width: WIDTH, height: SCREEN, deviceScaleFactor: SCALE, mobile: false }, sessionId);
    const loaded = once('Page.loadEventFired', sessionId);
    await send('Page.navigate', { url: pathToFileURL(html).href }, sessionId);
    await loaded;
    // Fonts may still be loading after the load event.
    await send('Runtime.evaluate', { expression: 'document.fonts.ready.then(() => true)', awaitPromise: true }, sessionId);
    const { result } = await send(
      'Runtime.evaluate',
      { expression: 'Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))', returnByValue: true },
      sessionId,
    );
    const height = Math.max(SCREEN, Number(result.value) || SCREEN);
    // The full height as the viewport: fixed bars (tab bar, bottom buttons) end up at the
    // bottom of the page as they would once scrolled to the end.
    await send('Emulation.setDeviceMetricsOverride', { width: WIDTH, height, deviceScaleFactor: SCALE, mobile: false }, sessionId);
    const { data } = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false }, sessionId);
    fs.writeFileSync(png, Buffer.from(data, 'base64'));
    return height;
  } finally {
    await send('Target.closeTarget', { targetId });
  }
}

async function main() {
  if (!fs.existsSync(OUT)) throw new Error(`${OUT} does not exist: run jest -c render/jest.config.js first`);
  const pages = fs.readdirSync(OUT).filter((f) => f.endsWith('.html')).sort();
  if (pages.length === 0) throw new Error(`no HTML in ${OUT}: run jest -c render/jest.config.js first`);
  // A screenshot whose page is gone must not linger.
  fs.readdirSync(OUT)
    .filter((f) => f.endsWith('.png'))
    .forEach((f) => fs.rmSync(path.join(OUT, f)));
  const browser = launch();
  try {
    for (const file of pages) {
      const png = path.join(OUT, file.replace(/\.html$/, '.png'));
      const height = await shoot(browser, path.join(OUT, file), png);
      console.log(`${path.relative(process.cwd(), png)}  ${WIDTH}×${height}`);
    }
  } finally {
    await browser.close();
  }
  console.log(`${pages.length} screenshots in ${path.relative(process.cwd(), OUT) || '.'}`);
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
