// Shorthands for render tests: install a stub API and a wx.login code source.
const { createStubApi, ok, fail, page } = require('./stub-api');

function useApi(routes) {
  const api = createStubApi(routes);
  wxControl.setTransport(api.transport);
  return api;
}

function loggedIn(profile) {
  wx.setStorageSync('fudao_token', 'token-1');
  if (profile) wx.setStorageSync('fudao_profile', profile);
}

// GET /me's capabilities as the server answers them for each role (tests/api/capabilities.rs
// checks the server's side).
const LEVELS = [
  { value: 'associate', label: '专科' },
  { value: 'bachelor', label: '本科' },
  { value: 'master', label: '硕士研究生' },
  { value: 'doctor', label: '博士研究生' },
];
const TASK_KINDS = [
  { value: 'policy', label: '就业创业政策' },
  { value: 'job_fair', label: '招聘会' },
  { value: 'live_course', label: '就业创业直播课' },
  { value: 'job_posting', label: '招聘信息' },
  { value: 'other', label: '其他' },
];
const ROLE = {
  ministry_admin: { value: 'ministry_admin', label: '教育部管理员', unit_kind: 'ministry' },
  province_admin: { value: 'province_admin', label: '省级就业部门', unit_kind: 'province' },
  school_admin: { value: 'school_admin', label: '校级用户', unit_kind: 'university' },
  college_admin: { value: 'college_admin', label: '院级用户', unit_kind: 'college' },
  counselor: { value: 'counselor', label: '辅导员', unit_kind: 'college' },
};
const UNIT = {
  province: { value: 'province', label: '省份' },
  university: { value: 'university', label: '高校' },
  college: { value: 'college', label: '院系' },
};
const ORDER = ['ministry_admin', 'province_admin', 'school_admin', 'college_admin', 'counselor'];
const CREATES = {
  ministry_admin: ['province_admin'],
  province_admin: ['school_admin'],
  school_admin: ['college_admin', 'counselor'],
  college_admin: ['counselor'],
  counselor: [],
};
const TARGETS = {
  ministry_admin: ['province', 'university'],
  province_admin: ['university'],
  school_admin: ['college'],
  college_admin: [],
  counselor: [],
};

function capabilitiesOf(role) {
  const admin = role !== 'counselor';
  const imports = role === 'school_admin' || role === 'college_admin';
  return {
    creatable_roles: CREATES[role].map((r) => ROLE[r]),
    readable_roles: admin
      ? ORDER.slice(ORDER.indexOf(role) + 1).map((r) => ({ value: r, label: ROLE[r].label }))
      : [],
    task_kinds: admin ? TASK_KINDS : [],
    target_unit_kinds: TARGETS[role].map((k) => UNIT[k]),
    levels: LEVELS,
    imports_employment: imports,
    imports_accounts: imports,
    unit_kind: ROLE[role].unit_kind,
    credentials_delivery: 'sms',
    bind_sms: false,
    current_cohort: 2027,
  };
}

const COUNSELOR = {
  id: 11,
  username: '13900010001',
  name: '赵欣怡',
  phone: '13900010001',
  role: 'counselor',
  role_label: '辅导员',
  org_unit: { id: 4, kind: 'college', name: '计算机科学与技术学院' },
  education_levels: ['bachelor', 'master'],
  majors: [{ id: 1, college_id: 4, education_level: 'bachelor', name: '软件工程' }],
  wechat: { bound: false, following: null, mini_linked: true },
  disabled: false,
  must_change_password: false,
  capabilities: capabilitiesOf('counselor'),
};

function admin(role, unit) {
  return Object.assign({}, COUNSELOR, {
    id: 3,
    username: `${role}_user`,
    name: '管理员',
    role,
    role_label: { ministry_admin: '教育部', province_admin: '省级就业部门', school_admin: '校级用户', college_admin: '院级用户' }[role],
    org_unit: unit,
    education_levels: [],
    majors: [],
    capabilities: capabilitiesOf(role),
  });
}

function inDays(days) {
  return new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
}

function myTask(id, extra) {
  return Object.assign(
    {
      id,
      kind: 'job_fair',
      kind_label: '招聘会',
      title: `任务${id}`,
      content: '内容',
      link: null,
      confidential: false,
      deadline: inDays(5),
      starts_at: null,
      ends_at: null,
      publisher: '江南示范大学就业处',
      published_at: inDays(-1),
      viewed_at: null,
      completed_at: null,
      signed_in_at: null,
      done: false,
      done_at: null,
      overdue: false,
      sign_in: null,
      share_token: null,
      share_note: null,
    },
    extra,
  );
}

module.exports = { useApi, loggedIn, ok, fail, page, COUNSELOR, admin, capabilitiesOf, inDays, myTask };

function adminTask(id, extra) {
  return Object.assign(
    {
      id,
      kind: 'policy',
      kind_label: '就业创业政策',
      title: `政策${id}`,
      content: '内容',
      link: null,
      confidential: false,
      deadline: inDays(5),
      starts_at: null,
      ends_at: null,
      status: 'published',
      publisher: '江南示范大学就业处',
      org_unit_id: 3,
      target: { unit_ids: [], education_levels: [], cohort: 2027 },
      published_at: inDays(-1),
      withdrawn_at: null,
      last_reminded_at: null,
      progress: { assigned: 8, viewed: 5, completed: 3, done: 3, done_percent: 37.5 },
    },
    extra,
  );
}

function unit(id, name, kind, parentId) {
  return { id, kind, name, code: String(id), parent_id: parentId, created_at: '2026-01-01T00:00:00Z' };
}

// GET /api/v1/tasks/:id/progress of task 7: 8 counselors reached, 3 done; no groups and no
// notices unless `extra` says.
function taskProgress(extra) {
  return Object.assign(
    {
      task_id: 7,
      title: '春季双选会',
      status: 'published',
      deadline: inDays(3),
      managed: true,
      assigned: 8,
      viewed: 5,
      completed: 3,
      signed_in: 0,
      done: 3,
      pending: 5,
      not_bound: 6,
      done_percent: 37.5,
      by_college: [],
      by_education_level: [],
      notices: { queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, cancelled: 0, expected_done_at: null, expected_note: null },
      reminders: { queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, cancelled: 0, expected_done_at: null, expected_note: null },
      last_reminded_at: null,
    },
    extra,
  );
}

module.exports.adminTask = adminTask;
module.exports.taskProgress = taskProgress;
module.exports.unit = unit;
