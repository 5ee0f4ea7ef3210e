// Initial passwords without an SMS contract: the server shows a new or reset account's
// password once to the admin (credentials.delivery = 'show_once'), who hands it to the person.
// Nothing on the phone keeps it: it lives in the page until the admin leaves.

// Whether the admin's new and reset accounts get their password shown rather than by SMS
// (from GET /me's capabilities, so pages can say so before anything is created).
function showsOnce(caps) {
  return Boolean(caps) && caps.credentials_delivery === 'show_once';
}

// The password of an answer ({delivery, one_time_password}), or '' when it went by SMS.
function shownPassword(credentials) {
  if (!credentials || credentials.delivery !== 'show_once') return '';
  return credentials.one_time_password || '';
}

// What the admin pastes into a chat with the person.
function handoverText({ name, username, password }) {
  return `${name ? `${name}，` : ''}你的辅导员就业工作账号：\n用户名：${username}\n初始密码：${password}\n首次登录须修改密码。`;
}

function copy(issued) {
  return new Promise((resolve) => {
    wx.setClipboardData({
      data: handoverText(issued),
      success: () => {
        wx.showToast({ title: '已复制，请发给本人', icon: 'none' });
        resolve(true);
      },
      fail: () => {
        wx.showToast({ title: '复制失败，请手动记下密码', icon: 'none' });
        resolve(false);
      },
    });
  });
}

module.exports = { showsOnce, shownPassword, handoverText, copy };
