// The project files a WeChat DevTools import needs, consistent with each other.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '../..');
const src = path.join(root, 'src');
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

describe('project', () => {
  const app = readJson('src/app.json');

  test('project.config.json carries the AppID of src/config.js and points at src/', () => {
    const project = readJson('project.config.json');
    expect(project.appid).toBe(require('../../src/config').appId);
    expect(project.miniprogramRoot).toBe('src/');
  });

  test('every page of app.json exists with its four files', () => {
    const pages = app.pages.concat(...app.subpackages.map((p) => p.pages.map((page) => `${p.root}/${page}`)));
    expect(pages).toEqual(expect.arrayContaining(['pages/task/detail', 'pages/share/index', 'pages/tasks/index', 'pages/me/index']));
    pages.forEach((page) => {
      ['js', 'json', 'wxml', 'wxss'].forEach((ext) => {
        expect(fs.existsSync(path.join(src, `${page}.${ext}`))).toBe(true);
      });
    });
  });

  test('the sitemap is where app.json says', () => {
    expect(fs.existsSync(path.join(src, app.sitemapLocation))).toBe(true);
  });

  test('pages never call wx.request: only src/api/request.js does', () => {
    const offenders = [];
    const walk = (dir) => {
      fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js') && /wx\.request\(/.test(fs.readFileSync(full, 'utf8'))) {
          offenders.push(path.relative(src, full));
        }
      });
    };
    walk(src);
    expect(offenders).toEqual(['api/request.js']);
  });

  test('every used component exists', () => {
    const walk = (dir) =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? walk(full) : entry.name.endsWith('.json') ? [full] : [];
      });
    walk(path.join(src, 'pages')).forEach((file) => {
      const using = JSON.parse(fs.readFileSync(file, 'utf8')).usingComponents || {};
      Object.values(using).forEach((comp) => {
        expect(fs.existsSync(path.join(src, `${comp}.js`))).toBe(true);
      });
    });
  });
});
