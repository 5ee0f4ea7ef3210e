// jsdom for miniprogram-simulate, plus Node's own fetch: the fake wx.request of the flow
// tests uses it to reach the real server (jsdom has no fetch of its own).
const { TestEnvironment } = require('jest-environment-jsdom');

class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.fetch = fetch;
    this.global.Headers = Headers;
    this.global.Request = Request;
    this.global.Response = Response;
    this.global.AbortController = AbortController;
  }
}

module.exports = JsdomWithFetch;
