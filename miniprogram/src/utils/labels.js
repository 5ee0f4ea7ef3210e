// Chinese labels for the API's status codes. What a role may do (the roles it creates, task
// kinds, levels) comes from GET /me's capabilities (services/capabilities.js), not from here.
const { formatDateTime } = require('./format');

const TASK_STATUS = { draft: '草稿', published: '已发布', withdrawn: '已撤回' };

// The latest SMS that carried an account's initial or reset password (credentials_sms):
// pending | sending | sent | logged (development log provider, not really sent) | failed.
// The badge in the accounts list, only when the SMS failed or is still on its way.
function credentialsSmsBadge(sms) {
  if (!sms) return null;
  if (sms.status === 'failed') return { type: 'danger', text: '短信失败' };
  if (sms.status === 'pending' || sms.status === 'sending') return { type: 'warn', text: '短信发送中' };
  return null;
}

// The line on the account page, with the class of its colour.
function credentialsSmsLine(sms, now) {
  if (!sms) return null;
  let text;
  let className = 'muted';
  if (sms.status === 'sent') {
    text = `已发送 ${formatDateTime(sms.sent_at || sms.created_at, now)}`;
    className = 'success-text';
  } else if (sms.status === 'pending' || sms.status === 'sending') {
    text = '发送中';
  } else if (sms.status === 'logged') {
    text = '开发环境未实际发送';
  } else if (sms.status === 'failed') {
    text = `未送达${sms.last_error ? `（${sms.last_error}）` : ''}，可重置密码重新发送`;
    className = 'danger-text';
  } else {
    return null;
  }
  return { text: `初始密码短信：${text}`, className };
}

// A username that is the person's phone number would undo the masked phone printed beside
// it: such a username is not shown (''). `phone` is masked (138****1234) or in full.
function shownUsername(username, phone) {
  const name = String(username || '');
  const number = String(phone || '');
  if (!name || !number) return name;
  if (name === number) return '';
  const masked = /^(\d{3})\*{4}(\d{4})$/.exec(number);
  const phoneLike = /^\d{11}$/.test(name) || /^\d{3}\*{4}\d{4}$/.test(name);
  if (masked && phoneLike && name.slice(0, 3) === masked[1] && name.slice(-4) === masked[2]) return '';
  return name;
}

module.exports = {
  TASK_STATUS,
  shownUsername,
  credentialsSmsBadge,
  credentialsSmsLine,
};
