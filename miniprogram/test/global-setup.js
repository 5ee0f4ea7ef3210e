// Starts, once for the whole run, the real fudao server on a temporary SQLite database and
// the WeChat API mock served by the same binary; loads the demo data set; and leaves what
// the flow tests need (URLs, the first admin's password, the demo logins) in a JSON file
// named by FUDAO_MP_SERVER_INFO. The binary is FUDAO_BIN, or $CARGO_TARGET_DIR (default
// ../target)/debug/fudao copied
// to the temporary folder first (it may be rebuilt while the tests run).
const { spawn, execFile } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const STARTUP_MS = 30000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, init) {
  const until = Date.now() + STARTUP_MS;
  let lastError;
  while (Date.now() < until) {
    try {
      const res = await fetch(url, init);
      if (res.ok) return;
      lastError = new Error(`${url} answered ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up: ${lastError && lastError.message}`);
}

function waitForLine(child, pattern, label) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${label}: no line matching ${pattern} in:\n${buffer}`)), STARTUP_MS);
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const match = buffer.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before printing ${pattern}:\n${buffer}`));
    });
  });
}

function run(bin, args, env) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${bin} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

// "counselor      13900010001   h7MmaNjq3Y3j   赵欣怡   江南示范大学 计算机科学与技术学院"
function parseDemo(stdout) {
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length >= 5 && /_admin$|^counselor$/.test(parts[0]))
    .map(([role, username, password, name, ...unit]) => ({ role, username, password, name, unit: unit.join(' ') }));
}

module.exports = async function globalSetup() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fudao-mp-'));
  let bin = process.env.FUDAO_BIN;
  if (!bin) {
    // Where cargo put it: CARGO_TARGET_DIR when set (as cargo itself reads it), else ../target.
    const targetDir = process.env.CARGO_TARGET_DIR
      ? path.resolve(process.env.CARGO_TARGET_DIR)
      : path.resolve(__dirname, '../../target');
    const built = path.join(targetDir, 'debug', 'fudao');
    if (!fs.existsSync(built)) {
      throw new Error(`no fudao binary at ${built}: build it (cargo build) or set FUDAO_BIN`);
    }
    bin = path.join(tmp, 'fudao');
    fs.copyFileSync(built, bin);
    fs.chmodSync(bin, 0o755);
  }

  const [serverPort, mockPort] = [await freePort(), await freePort()];
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const baseUrl = `http://127.0.0.1:${serverPort}`;
  const env = Object.assign({}, process.env, {
    FUDAO__DATABASE__URL: `sqlite://${path.join(tmp, 'fudao.db')}?mode=rwc`,
    FUDAO__SERVER__ADDR: `127.0.0.1:${serverPort}`,
    FUDAO__WECHAT__APP_ID: 'wx_mock_official',
    FUDAO__WECHAT__APP_SECRET: 'mock_official_secret',
    FUDAO__WECHAT__API_BASE: mockUrl,
    FUDAO__WECHAT__TOKEN: 'mptesttoken',
    FUDAO__MINIPROGRAM__APP_ID: 'wx_mock_mini',
    FUDAO__MINIPROGRAM__APP_SECRET: 'mock_mini_secret',
    FUDAO__PUSH__ENABLED: 'false',
    // Every test logs in from 127.0.0.1; the default of 30 a minute is for real clients.
    FUDAO__AUTH__LOGIN_ATTEMPTS_PER_MINUTE: '10000',
    FUDAO__LOG__FILTER: 'warn',
  });

  const log = fs.openSync(path.join(tmp, 'server.log'), 'a');
  const children = [];
  globalThis.__FUDAO_MP__ = { children, tmp };
  try {
    await start({ bin, env, tmp, log, children, baseUrl, mockUrl, mockPort });
  } catch (error) {
    children.forEach((child) => child.kill('SIGKILL'));
    throw error;
  }
};

async function start({ bin, env, tmp, log, children, baseUrl, mockUrl, mockPort }) {
  const mock = spawn(bin, ['wechat', 'mock', '--addr', `127.0.0.1:${mockPort}`], {
    env,
    cwd: tmp,
    stdio: ['ignore', log, log],
  });
  children.push(mock);
  await waitForHttp(`${mockUrl}/mock/calls`);

  const server = spawn(bin, ['serve'], { env, cwd: tmp, stdio: ['ignore', 'pipe', log] });
  children.push(server);
  const [, adminPassword] = await waitForLine(
    server,
    /one-time password:\s*(\S+)/,
    'fudao serve',
  );
  server.stdout.on('data', () => {});
  await waitForHttp(`${baseUrl}/healthz`);

  const demo = parseDemo(await run(bin, ['demo'], env));
  if (demo.length < 10) throw new Error('fudao demo printed no logins');

  const info = {
    baseUrl,
    mockUrl,
    admin: { username: 'admin', password: adminPassword },
    demo,
    tmp,
    // For `fudao admin create` on the same database (flows that need admins of their own).
    cli: { bin, env: Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('FUDAO__'))) },
  };
  const infoFile = path.join(tmp, 'server.json');
  fs.writeFileSync(infoFile, JSON.stringify(info, null, 2));
  process.env.FUDAO_MP_SERVER_INFO = infoFile;
}
