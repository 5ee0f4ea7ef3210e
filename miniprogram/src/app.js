// The app itself holds no state: the session lives in storage (api/session.js) and the
// launch page (pages/index/index) decides where to go. Deep links such as
// pages/task/detail?id=ID open their page directly; its first API call logs in silently
// or sends the user to the login page and back.
App({
  onLaunch() {
    if (typeof wx.getUpdateManager !== 'function') return;
    const manager = wx.getUpdateManager();
    manager.onUpdateReady(() => {
      wx.showModal({
        title: '发现新版本',
        content: '新版本已准备好，是否重启使用？',
        success: (res) => {
          if (res.confirm) manager.applyUpdate();
        },
      });
    });
  },
});
