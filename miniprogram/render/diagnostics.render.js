// 名称诊断 of a school whose data names colleges and majors differently from its catalog.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, admin } = require('../test/support/stub');
const { save } = require('./html');

test('diagnostics with findings', async () => {
  loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
  useApi({
    'GET /api/v1/employment/diagnostics': ok({
      cohort: 2027,
      accounts: [
        { account_id: 41, name: '王晓明', college: '计算机学院', reasons: ['负责专业“软件工程（嵌入式）”在数据中没有毕业生'] },
        { account_id: 42, name: '李思雨', college: '外国语学院', reasons: ['院系“外国语学院”在数据中没有毕业生'] },
      ],
      majors_without_counselor: [{ college: '计算机学院', education_level: 'bachelor', major: '网络工程', graduates: 36 }],
      colleges_without_unit: [
        { college: '计算机科学与技术学院', graduates: 120 },
        { college: '外国语言文学学院', graduates: 64 },
      ],
    }),
  });
  const p = await mountPage('pages/admin/diagnostics/index');
  save('diagnostics', p, 'pages/admin/diagnostics/index');
});
