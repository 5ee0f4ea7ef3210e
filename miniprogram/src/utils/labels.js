// Chinese labels for the API's codes.
const { formatDateTime } = require('./format');

const TASK_KINDS = [
  { value: 'policy', label: '就业创业政策' },
  { value: 'job_fair', label: '招聘会' },
  { value: 'live_course', label: '就业创业直播课' },
  { value: 'job_posting', label: '招聘信息' },
  { value: 'other', label: '其他' },
];

const EDUCATION_LEVELS = [
  { value: 'associate', label: '专科' },
  { value: 'bachelor', label: '本科' },
  { value: 'master', label: '硕士研究生' },
  { value: 'doctor', label: '博士研究生' },
];

const ROLES = [
  { value: 'ministry_admin', label: '教育部', rank: 0 },
  { value: 'province_admin', label: '省级就业部门', rank: 1 },
  { value: 'school_admin', label: '校级用户', rank: 2 },
  { value: 'college_admin', label: '院级用户', rank: 3 },
  { value: 'counselor', label: '辅导员', rank: 4 },
];

// Who creates and manages whom (PRODUCT.md): the roles an admin may create.
const MANAGES = {
  ministry_admin: ['province_admin'],
  province_admin: ['school_admin'],
  school_admin: ['college_admin', 'counselor'],
  college_admin: ['counselor'],
  counselor: [],
};

// The org-unit kind an account of each role belongs to.
const UNIT_KIND_OF_ROLE = {
  province_admin: 'province',
  school_admin: 'university',
  college_admin: 'college',
  counselor: 'college',
};

// Who imports the employment data report (就业数据上报): a school its university's
// graduates, a college its own.
const IMPORTS_EMPLOYMENT = ['school_admin', 'college_admin'];

// Who imports accounts from a file: a school into its colleges, a college into itself.
const IMPORTS_ACCOUNTS = ['school_admin', 'college_admin'];

const TASK_STATUS = { draft: '草稿', published: '已发布', withdrawn: '已撤回' };

const UNIT_KINDS = { ministry: '教育部', province: '省份', university: '高校', college: '院系' };

function labelOf(list, value) {
  const item = list.find((entry) => entry.value === value);
  return item ? item.label : value;
}

function roleLabel(role) {
  return labelOf(ROLES, role);
}

function levelLabel(level) {
  return labelOf(EDUCATION_LEVELS, level);
}

function kindLabel(kind) {
  return labelOf(TASK_KINDS, kind);
}

// Roles below the given one: the accounts an admin can read.
function rolesBelow(role) {
  const own = ROLES.find((entry) => entry.value === role);
  if (!own) return [];
  return ROLES.filter((entry) => entry.rank > own.rank);
}

function creatableRoles(role) {
  return (MANAGES[role] || []).map((value) => ({ value, label: roleLabel(value) }));
}

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

module.exports = {
  TASK_KINDS,
  EDUCATION_LEVELS,
  ROLES,
  MANAGES,
  IMPORTS_EMPLOYMENT,
  IMPORTS_ACCOUNTS,
  UNIT_KIND_OF_ROLE,
  TASK_STATUS,
  UNIT_KINDS,
  roleLabel,
  levelLabel,
  kindLabel,
  rolesBelow,
  creatableRoles,
  credentialsSmsBadge,
  credentialsSmsLine,
};
