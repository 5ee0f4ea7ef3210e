// 换届 against the real server, in a university of its own: three counselors of the class
// before the one under way; the school admin narrows the accounts list to that class, exports
// it, opens 换届, keeps one counselor, disables the other two, and undoes it.
const fs = require('fs');
const { tap, change, textOf } = require('../support/mount');
const { coldStart, follow } = require('../support/driver');
const real = require('../support/real');

let school;
let leaving;
const ids = {};

beforeAll(async () => {
  school = await real.isolatedSchool({ tag: 'turnover', code: '91007', name: '东湖示范学院', colleges: ['机电工程学院'] });
  const college = school.colleges[0];
  const major = await real.api('POST', `/api/v1/org/units/${college.id}/majors`, {
    token: school.token,
    body: { education_level: 'bachelor', name: '机械工程' },
  });
  leaving = school.me.capabilities.current_cohort - 1;
  const people = [
    ['留任老师', '13800139001'],
    ['离任甲', '13800139002'],
    ['离任乙', '13800139003'],
  ];
  for (const [name, phone] of people) {
    const created = await real.api('POST', '/api/v1/accounts', {
      token: school.token,
      body: {
        role: 'counselor',
        org_unit_id: college.id,
        name,
        phone,
        education_levels: ['bachelor'],
        major_ids: [major.id],
        cohort: leaving,
      },
    });
    ids[name] = created.id;
  }
});

beforeEach(() => real.useRealServer());

async function account(id) {
  return real.api('GET', `/api/v1/accounts/${id}`, { token: school.token });
}

test('the class before is listed, exported, turned over and the turnover undone', async () => {
  wx.setStorageSync('fudao_token', school.token);
  wx.setStorageSync('fudao_profile', school.me);

  const list = await coldStart('pages/admin/accounts/index');
  const classIndex = list.instance.data.cohortOptions.findIndex((c) => c.value === String(leaving));
  await change(list, '#cohort-filter', String(classIndex));
  expect(list.instance.data.items.map((item) => item.name).sort()).toEqual(['留任老师', '离任乙', '离任甲'].sort());
  await tap(list, '#export');
  const exported = wxControl.state.documents.pop();
  expect(exported).toMatchObject({ fileType: 'xlsx', failed: false });
  expect(fs.readFileSync(exported.filePath).subarray(0, 2).toString()).toBe('PK');

  await tap(list, '#turnover');
  const page = await follow();
  expect(textOf(page)).toContain(`${leaving}届在用辅导员 3 人`);
  await tap(page, `#person-${ids['留任老师']}`);
  wxControl.answerModal(true);
  await tap(page, '#submit');
  expect(wxControl.state.modals.pop().content).toContain(`1 人转入 ${leaving + 1}届`);
  expect(textOf(page.querySelector('#result'))).toContain(`1 人已转入 ${leaving + 1}届，2 人已停用`);

  expect((await account(ids['留任老师'])).cohort).toBe(leaving + 1);
  expect((await account(ids['离任甲'])).disabled).toBe(true);
  expect((await account(ids['离任乙'])).disabled).toBe(true);

  wxControl.answerModal(true);
  await tap(page, '#undo');
  expect(wxControl.lastToast()).toBe('已撤销');
  expect((await account(ids['留任老师'])).cohort).toBe(leaving);
  expect((await account(ids['离任甲'])).disabled).toBe(false);
  // The class is listed again, whole.
  expect(textOf(page)).toContain(`${leaving}届在用辅导员 3 人`);
});
