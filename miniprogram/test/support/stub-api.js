// A route table answering wx.request in render tests: 'GET /api/v1/me' → {status, body}
// or a function of the request. Unknown routes answer 404 and fail the expectation that
// every request was planned (see unmatched()). wx.uploadFile and wx.downloadFile are
// answered by the same table: an upload's call has `upload: {filePath, name, formData,
// content}` (the bytes sent), a download's body may be a Buffer or a string (the file).
const fs = require('fs');

function createStubApi(routes = {}) {
  const table = Object.assign({}, routes);
  const unmatched = [];
  const seen = [];

  function transport(req) {
    const url = new URL(req.url);
    const key = `${req.method} ${url.pathname}`;
    const query = Object.fromEntries(url.searchParams.entries());
    const call = { method: req.method, path: url.pathname, query, body: req.data, header: req.header, kind: req.kind || 'request' };
    if (req.kind === 'upload') {
      call.upload = { filePath: req.filePath, name: req.name, formData: req.formData, content: fs.readFileSync(req.filePath) };
    }
    seen.push(call);
    let answer = table[key];
    if (typeof answer === 'function') answer = answer(call);
    if (!answer) {
      unmatched.push(key);
      return Promise.resolve({ statusCode: 404, data: { code: 'not_found', message: '请求的接口不存在' } });
    }
    return Promise.resolve(answer).then((a) => ({ statusCode: a.status || 200, data: a.body }));
  }

  return {
    transport,
    route(key, answer) {
      table[key] = answer;
    },
    calls(key) {
      return seen.filter((c) => `${c.method} ${c.path}` === key);
    },
    seen,
    unmatched,
  };
}

function ok(body) {
  return { status: 200, body };
}

function fail(status, code, message, field) {
  return { status, body: field ? { code, message, field } : { code, message } };
}

function page(items, total, pageNo = 1, perPage = 20) {
  return { items, page: pageNo, per_page: perPage, total: total === undefined ? items.length : total };
}

module.exports = { createStubApi, ok, fail, page };
