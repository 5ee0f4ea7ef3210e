// A counselor's 就业进展: the graduates of their college, education levels and majors in one
// cohort — 去向落实率, destination groups, by major, by region and employer type. Admins
// opening it go to their own statistics page.
const cohortStats = require('../../behaviors/cohort-stats');
const employment = require('../../services/employment');
const meService = require('../../services/me');
const session = require('../../api/session');
const nav = require('../../nav');
const capabilities = require('../../services/capabilities');

function scopeText(profile) {
  return [
    profile.org_unit && profile.org_unit.name,
    (profile.education_levels || []).map((level) => capabilities.levelLabel(profile.capabilities || capabilities.NONE, level)).join('、'),
    (profile.majors || []).map((m) => m.name).join('、'),
  ]
    .filter(Boolean)
    .join(' · ');
}

Component({
  behaviors: [cohortStats],
  data: {
    role: 'counselor',
    scopeText: '',
    // Until the API says (breakdown_kind): a counselor's graduates are listed by major.
    breakdownTitle: '按专业',
  },
  methods: {
    async onLoad() {
      let profile = session.getProfile();
      if (!profile) {
        try {
          profile = await meService.fetchMe();
        } catch (error) {
          return;
        }
      }
      if (session.isAdmin(profile.role)) {
        wx.redirectTo({ url: nav.statsOf(profile.role) });
        return;
      }
      this.setData({ role: profile.role, scopeText: scopeText(profile) });
      await this.loadStats();
    },
    fetchStats(cohort) {
      return employment.fetchMyStats({ cohort });
    },
  },
});
