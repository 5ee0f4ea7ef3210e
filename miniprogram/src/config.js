// The one file to edit per deployment: the mini program's AppID and the Fudao server.
// After changing appId run `npm run configure` so project.config.json (read by the
// WeChat DevTools) carries the same AppID; a test checks that the two agree.
module.exports = {
  // AppID of the mini program (mp.weixin.qq.com → 开发管理 → 开发设置).
  appId: 'wx0000000000000000',
  // Base URL of the Fudao server, without a trailing slash. It must be listed as a
  // "request 合法域名" of the mini program (https only in production).
  apiBaseUrl: 'https://fudao.example.edu.cn',
  // wx.request timeout in milliseconds.
  requestTimeoutMs: 15000,
  // wx.uploadFile / wx.downloadFile timeout in milliseconds (attachments and imports of up
  // to 20 MiB on a phone's connection).
  transferTimeoutMs: 120000,
};
