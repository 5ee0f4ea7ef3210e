// A rendered page (miniprogram-simulate's DOM) as a standalone HTML file that a browser shows
// about as WeChat would on a 375 pt wide phone: the page's and its components' WXSS with
// their classes scoped the way simulate scopes them (`main--x`, `badge--x`), 1rpx = 0.5px, and
// the built-in components given WeChat's default look.
const fs = require('fs');
const path = require('path');

const SRC = path.resolve(__dirname, '../src');

const BUILT_IN = `
  html, body { margin: 0; }
  wx-view, wx-scroll-view, wx-swiper, wx-form, wx-image, wx-picker, wx-canvas { display: block; }
  wx-text { display: inline; }
  wx-image { overflow: hidden; }
  wx-button { display: block; position: relative; box-sizing: border-box; margin: 0 auto;
    padding: 0 14px; font-size: 18px; text-align: center; line-height: 2.55555556;
    border-radius: 5px; background: #f8f8f8; color: #000; }
  wx-button[disabled]:not([type]) { color: rgba(0,0,0,.3); background-color: #f7f7f7; }
  wx-input { display: block; height: 1.4rem; min-height: 1.4rem; overflow: hidden; }
  wx-input[data-placeholder]:empty::before { content: attr(data-placeholder); color: #86909c; }
  wx-input[data-value]:empty::before { content: attr(data-value); color: inherit; }
  wx-textarea { display: block; width: 300px; min-height: 1.4rem; white-space: pre-wrap; }
  wx-textarea[data-placeholder]:empty::before { content: attr(data-placeholder); color: #86909c; }
  wx-textarea[data-value]:empty::before { content: attr(data-value); color: inherit; }
  wx-switch { display: inline-block; position: relative; width: 52px; height: 32px;
    border-radius: 16px; background: #dfdfdf; vertical-align: middle; }
  wx-switch::after { content: ''; position: absolute; top: 2px; left: 2px; width: 28px;
    height: 28px; border-radius: 14px; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.3); }
  wx-switch[data-checked] { background: #04be02; }
  wx-switch[data-checked]::after { left: 22px; }
`;

// Built-in components keep their properties out of the DOM; copy the ones that change how
// they look (a switch's state, an input's or textarea's placeholder or value, a disabled
// button) onto attributes.
function exposeProperties(page) {
  const look = {
    switch: (dom, data) => {
      if (!data.checked) return;
      dom.setAttribute('data-checked', '');
      if (data.color) dom.style.background = data.color;
    },
    input: (dom, data) => {
      if (data.value) dom.setAttribute('data-value', String(data.value));
      else if (data.placeholder) dom.setAttribute('data-placeholder', data.placeholder);
    },
  };
  look.textarea = look.input;
  look.button = (dom, data) => {
    if (data.disabled) dom.setAttribute('disabled', '');
  };
  page.dom.querySelectorAll('wx-switch, wx-input, wx-textarea, wx-button').forEach((dom) => {
    // A page saved twice (two states of one mount) must not keep the first state's look.
    ['disabled', 'data-checked', 'data-value', 'data-placeholder'].forEach((name) => dom.removeAttribute(name));
    if (dom.tagName === 'WX-SWITCH') dom.style.background = '';
    const node = dom.__wxElement;
    const apply = node && look[node.is];
    if (apply && node.data) apply(dom, node.data);
  });
  // A chart's canvas: the chart component's properties, for chartScript() to paint.
  page.dom.querySelectorAll('wx-canvas').forEach((dom) => {
    let owner = dom.parentNode;
    while (owner && !(owner.__wxElement && owner.__wxElement.data && Array.isArray(owner.__wxElement.data.items))) {
      owner = owner.parentNode;
    }
    if (!owner) return;
    const { type, items, unit, max } = owner.__wxElement.data;
    dom.setAttribute('data-chart', JSON.stringify({ type, items, unit, max }));
  });
}

function rpx(css) {
  return css.replace(/(-?\d*\.?\d+)rpx/g, (_, n) => `${(parseFloat(n) / 2).toFixed(2)}px`);
}

// Scope a WXSS text the way simulate scopes class names; tag names become built-in tags.
function scoped(css, prefix) {
  return rpx(css)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[\s,{}>+~])page(?=[\s,{:.])/g, '$1body')
    .replace(/(^|[\s,{}>+~(])(view|text|button|input|image|scroll-view|picker|textarea)(?=[\s,{:.[>+~)])/g, '$1wx-$2')
    .replace(/\.(-?[_a-zA-Z][\w-]*)/g, (m, name, offset, text) => {
      // Leave numbers such as 1.5em alone: a class follows a selector, not a digit.
      const before = text[offset - 1];
      return before && /[0-9]/.test(before) ? m : `.${prefix}--${name}`;
    });
}

function read(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

// Whether a component takes the page's styles (and so app.wxss): styleIsolation
// 'apply-shared' or 'shared', or the older addGlobalClass.
function takesPageStyles(base) {
  const js = read(`${base}.js`);
  return /styleIsolation\s*:\s*['"](apply-shared|shared)['"]/.test(js) || /addGlobalClass\s*:\s*true/.test(js);
}

// The WXSS of a page or component and, recursively, of the components it uses; a component
// that takes the page's styles gets app.wxss and the page's WXSS again, scoped as its own.
function styles(route, prefix, page = route, seen = new Set()) {
  if (seen.has(`${route}:${prefix}`)) return '';
  seen.add(`${route}:${prefix}`);
  const base = path.join(SRC, route);
  let css = '';
  if (route !== page && takesPageStyles(base)) {
    css += scoped(read(path.join(SRC, 'app.wxss')), prefix) + scoped(read(path.join(SRC, `${page}.wxss`)), prefix);
  }
  css += scoped(read(`${base}.wxss`), prefix);
  const json = read(`${base}.json`);
  const using = json ? JSON.parse(json).usingComponents || {} : {};
  Object.keys(using).forEach((tag) => {
    css += styles(using[tag].replace(/^\//, ''), tag, page, seen);
  });
  return css;
}

// Charts are painted on a canvas, which the simulated DOM does not have: the page carries
// each chart's properties (data-chart, see exposeProperties) and this script paints them in
// the browser with the chart component's own code (components/chart/index.js and
// utils/chart-geometry.js, run as they are).
function chartScript() {
  const geometry = read(path.join(SRC, 'utils/chart-geometry.js'));
  const chart = read(path.join(SRC, 'components/chart/index.js'));
  if (!geometry || !chart || /<\/script/i.test(geometry + chart)) return '';
  return `<script>
(function () {
  var geometry = (function () { var module = { exports: {} }; var exports = module.exports;
${geometry}
  ; return module.exports; })();
  var chart = null;
  (function (require, Component, wx) {
${chart}
  })(function () { return geometry; }, function (definition) { chart = definition; },
    { getWindowInfo: function () { return { pixelRatio: window.devicePixelRatio || 1 }; } });
  document.querySelectorAll('wx-canvas[data-chart]').forEach(function (box) {
    var data = JSON.parse(box.getAttribute('data-chart'));
    var width = box.clientWidth;
    var height = box.clientHeight;
    var ratio = window.devicePixelRatio || 1;
    var canvas = document.createElement('canvas');
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.cssText = 'display:block;width:' + width + 'px;height:' + height + 'px';
    box.appendChild(canvas);
    var ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    chart.methods.paint.call({ data: data }, ctx, width, height);
  });
})();
</script>`;
}

function pageHtml(page, route, title) {
  const app = read(path.join(SRC, 'app.wxss'));
  const css = BUILT_IN + scoped(app, 'main') + styles(route, 'main');
  const bar = `<div style="height:44px;line-height:44px;text-align:center;font-weight:600;` +
    `background:#fff;font-size:17px;border-bottom:1px solid #eee">${title || ''}</div>`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head>` +
    `<body>${bar}${page.dom.outerHTML}${chartScript()}</body></html>`;
}

// Writes render/out/<name>.html.
function save(name, page, route) {
  const json = read(path.join(SRC, `${route}.json`));
  const title = json ? JSON.parse(json).navigationBarTitleText : '';
  const out = path.resolve(__dirname, 'out');
  fs.mkdirSync(out, { recursive: true });
  exposeProperties(page);
  fs.writeFileSync(path.join(out, `${name}.html`), pageHtml(page, route, title));
}

module.exports = { save };
