// What the signed-in account may do, as GET /api/v1/me says: the roles it creates and reads,
// the task kinds and target units it may pick, the education levels, and whether it imports
// accounts or employment data. Pages build their buttons and pickers from this answer, so the
// server's rules live in one place.
const session = require('../api/session');
const me = require('./me');

const NONE = {
  creatable_roles: [],
  readable_roles: [],
  task_kinds: [],
  target_unit_kinds: [],
  levels: [],
  imports_employment: false,
  imports_accounts: false,
  unit_kind: '',
  credentials_delivery: 'sms',
  bind_sms: false,
  current_cohort: 0,
};

// The capabilities of the cached profile, or of a fresh GET /me when the cache has none (a
// profile stored by an older version).
async function load() {
  const cached = session.getProfile();
  if (cached && cached.capabilities) return cached.capabilities;
  const profile = await me.fetchMe();
  return (profile && profile.capabilities) || NONE;
}

// The cached profile's capabilities without a request (NONE before the first GET /me).
function cached() {
  const profile = session.getProfile();
  return (profile && profile.capabilities) || NONE;
}

function manages(caps, role) {
  return caps.creatable_roles.some((entry) => entry.value === role);
}

function labelIn(list, value) {
  const entry = (list || []).find((item) => item.value === value);
  return entry ? entry.label : value;
}

function levelLabel(caps, level) {
  return labelIn(caps.levels, level);
}

function roleLabel(caps, role) {
  return labelIn(caps.creatable_roles.concat(caps.readable_roles), role);
}

function unitKindOf(caps, role) {
  const entry = caps.creatable_roles.find((item) => item.value === role);
  return entry ? entry.unit_kind : '';
}

module.exports = { NONE, load, cached, manages, levelLabel, roleLabel, unitKindOf };
