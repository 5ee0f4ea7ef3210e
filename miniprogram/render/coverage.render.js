// Every page of app.json (main package and subpackages) is rendered by some render file.
const fs = require('fs');
const path = require('path');

test('every page has a render', () => {
  const app = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../src/app.json'), 'utf8'));
  const pages = app.pages.concat(...(app.subpackages || []).map((sub) => sub.pages.map((p) => `${sub.root}/${p}`)));
  const sources = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.render.js') && f !== path.basename(__filename))
    .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8'))
    .join('\n');
  expect(pages.filter((route) => !sources.includes(`'${route}'`))).toEqual([]);
});
