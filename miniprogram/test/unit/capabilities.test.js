const capabilities = require('../../src/services/capabilities');
const { useApi, loggedIn, ok, admin, capabilitiesOf, COUNSELOR } = require('../support/stub');

describe('capabilities', () => {
  test('come from the cached profile without a request', async () => {
    loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
    const api = useApi({});
    const caps = await capabilities.load();
    expect(caps.creatable_roles.map((r) => r.value)).toEqual(['college_admin', 'counselor']);
    expect(api.calls('GET /api/v1/me')).toHaveLength(0);
    expect(capabilities.manages(caps, 'counselor')).toBe(true);
    expect(capabilities.manages(caps, 'school_admin')).toBe(false);
    expect(capabilities.unitKindOf(caps, 'college_admin')).toBe('college');
    expect(capabilities.roleLabel(caps, 'counselor')).toBe('辅导员');
    expect(capabilities.levelLabel(caps, 'master')).toBe('硕士研究生');
  });

  test('a profile cached without them is read again from GET /me', async () => {
    const old = Object.assign({}, COUNSELOR);
    delete old.capabilities;
    loggedIn(old);
    const api = useApi({ 'GET /api/v1/me': ok(Object.assign({}, old, { capabilities: capabilitiesOf('counselor') })) });
    const caps = await capabilities.load();
    expect(api.calls('GET /api/v1/me')).toHaveLength(1);
    expect(caps.task_kinds).toEqual([]);
    expect(capabilities.cached().levels).toHaveLength(4);
  });

  test('an unknown code is shown as it is', () => {
    expect(capabilities.levelLabel(capabilities.NONE, 'postdoc')).toBe('postdoc');
    expect(capabilities.manages(capabilities.NONE, 'counselor')).toBe(false);
  });
});
