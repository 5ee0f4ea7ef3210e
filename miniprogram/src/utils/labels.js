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

// What each audited action was, as the audit page says it.
const AUDIT_ACTIONS = {
  'account.create': '创建账号',
  'account.update': '修改账号',
  'account.disable': '停用账号',
  'account.enable': '启用账号',
  'account.reset_password': '重置密码',
  'account.unlock': '解除锁定',
  'account.import': '批量导入账号',
  'account.export': '导出账号',
  'account.credentials_download': '下载初始密码表',
  'account.phone_reveal': '查看完整手机号',
  'account.turnover': '换届',
  'account.turnover_undo': '撤销换届',
  'account.reset_code': '申请找回密码',
  'account.reset_by_code': '验证码重置密码',
  'org_unit.create': '创建单位',
  'org_unit.rename': '修改单位名称',
  'org_unit.delete': '删除院系',
  'major.create': '创建专业',
  'major.rename': '修改专业名称',
  'major.merge': '合并专业',
  'task.create': '创建任务',
  'task.update': '修改任务',
  'task.publish': '发布任务',
  'task.withdraw': '撤回任务',
  'task.delete': '删除草稿',
  'task.remind': '催办',
  'task.auto_remind': '自动提醒',
  'task.attachment.add': '添加附件',
  'task.attachment.remove': '删除附件',
  'news.publish': '发布资讯',
  'news.update': '修改资讯',
  'news.withdraw': '撤回资讯',
  'employment.import': '导入就业数据',
  'wechat.bind_sms': '短信提醒绑定',
  'wechat.unbind': '解除微信绑定',
  'wechat.mini_unlink': '解除小程序关联',
};

function auditActionLabel(action) {
  return AUDIT_ACTIONS[action] || action;
}

module.exports = {
  TASK_STATUS,
  AUDIT_ACTIONS,
  auditActionLabel,
  shownUsername,
  credentialsSmsBadge,
  credentialsSmsLine,
};
