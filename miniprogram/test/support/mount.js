// Loading pages and components of src/ in miniprogram-simulate.
const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');
const simulateUtils = require('miniprogram-simulate/src/utils');

const jComponent = require('j-component');

const SRC = path.resolve(__dirname, '../../src');

// simulate registers the built-in components with no properties, so their attributes are
// lost; declare the ones the tests read (open-type of the forward button, disabled...).
[
  ['button', { openType: String, disabled: Boolean, loading: Boolean }],
  ['input', { value: String, password: Boolean, placeholder: String }],
  ['switch', { checked: Boolean }],
].forEach(([name, props]) => {
  const properties = {};
  Object.keys(props).forEach((key) => {
    properties[key] = { type: props[key], value: props[key] === Boolean ? false : '' };
  });
  jComponent.register({ id: name, tagName: `wx-${name}`, template: '<slot/>', properties });
});

// The properties a built-in component was rendered with.
function propsOf(node) {
  return node._exparserNode.data;
}

// simulate runs a component's JS with require() and then deletes it from require.cache so
// that the next load runs it again; jest's module registry ignores such deletions, so a
// page or component loaded twice in one test file would never call Component() again.
// Run the file's source afresh on every load instead, resolving its own require() calls
// through jest, so services and the session stay shared within a test file.
simulateUtils.runJs = (filePath) => {
  const file = filePath.endsWith('.js') ? filePath : `${filePath}.js`;
  const source = fs.readFileSync(file, 'utf8');
  const dir = path.dirname(file);
  const localRequire = (request) =>
    // eslint-disable-next-line import/no-dynamic-require, global-require
    require(request.startsWith('.') ? path.resolve(dir, request) : request);
  const module = { exports: {} };
  // eslint-disable-next-line no-new-func
  const run = new Function('require', 'module', 'exports', '__filename', '__dirname', source);
  run(localRequire, module, module.exports, file, dir);
  return module.exports;
};

function load(route) {
  return simulate.load(path.join(SRC, route), { rootPath: SRC });
}

// Render a page (written with Component()) and run onLoad(query) and onShow().
async function mountPage(route, query = {}) {
  const page = simulate.render(load(route));
  page.attach(document.createElement('parent-wrapper'));
  if (page.instance.onLoad) page.instance.onLoad(query);
  if (page.instance.onShow) page.instance.onShow();
  await global.wxControl.settle();
  return page;
}

function mountComponent(route, properties) {
  const comp = simulate.render(load(route), properties);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

// Visible text of a rendered tree, whitespace collapsed.
function textOf(comp) {
  return comp.dom.textContent.replace(/\s+/g, ' ').trim();
}

async function tap(comp, selector) {
  const node = comp.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  node.dispatchEvent('tap');
  await global.wxControl.settle();
}

async function input(comp, selector, value) {
  const node = comp.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  node.dispatchEvent('input', { detail: { value } });
  await global.wxControl.settle();
}

async function change(comp, selector, value) {
  const node = comp.querySelector(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  node.dispatchEvent('change', { detail: { value } });
  await global.wxControl.settle();
}

// Wait until check() is true (pages that poll on a timer), settling requests in between.
async function waitFor(check, timeoutMs = 8000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await global.wxControl.settle();
    if (check()) return;
    if (Date.now() > until) throw new Error(`waitFor: still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

module.exports = { SRC, simulate, load, mountPage, mountComponent, textOf, tap, input, change, propsOf, waitFor };
