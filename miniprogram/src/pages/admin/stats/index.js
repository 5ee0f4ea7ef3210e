// An admin's 就业统计: their scope in one cohort, broken down by the level below (the
// ministry by province, a province by university, a university by college, a college by
// major — the API's breakdown_kind). Province and university rows open that unit (unit_id)
// with a way back up; college rows are names, not units, and do not open. School and college
// admins also find the employment data import here. Counselors opening it go to their own
// page.
const cohortStats = require('../../../behaviors/cohort-stats');
const employment = require('../../../services/employment');
const meService = require('../../../services/me');
const session = require('../../../api/session');
const nav = require('../../../nav');
const capabilities = require('../../../services/capabilities');
const view = require('../../../utils/employment');

Component({
  behaviors: [cohortStats],
  data: {
    role: '',
    // Units opened from the admin's own down to the one shown: [{unitId, name, kind}].
    trail: [],
    trailText: '',
    canImport: false,
  },
  methods: {
    async onLoad() {
      let profile = session.getProfile();
      if (!profile || !profile.org_unit) {
        try {
          profile = await meService.fetchMe();
        } catch (error) {
          return;
        }
      }
      if (!session.isAdmin(profile.role)) {
        wx.redirectTo({ url: nav.statsOf(profile.role) });
        return;
      }
      let caps;
      try {
        caps = await capabilities.load();
      } catch (error) {
        return;
      }
      this.setData({ role: profile.role, canImport: caps.imports_employment });
      const kind = caps.unit_kind || 'university';
      await this.openTrail([{ unitId: '', name: profile.org_unit.name, kind }]);
    },
    openTrail(trail) {
      const level = view.LEVELS[trail[trail.length - 1].kind] || view.LEVELS.university;
      this.setData({
        trail,
        trailText: trail.map((unit) => unit.name).join(' › '),
        breakdownTitle: level.title,
        breakdownKind: level.breakdown,
        report: null,
      });
      return this.loadStats();
    },
    // The API names the unit shown: the trail keeps its name and kind.
    statsLoaded(stats) {
      if (!stats.unit) return;
      const trail = this.data.trail.slice();
      trail[trail.length - 1] = Object.assign({}, trail[trail.length - 1], { name: stats.unit.name, kind: stats.unit.kind });
      this.setData({ trail, trailText: trail.map((unit) => unit.name).join(' › ') });
    },
    fetchStats(cohort) {
      const current = this.data.trail[this.data.trail.length - 1];
      return employment.fetchScopeStats({ cohort, unitId: current.unitId });
    },
    // A province or university row: its own figures, by the level below it.
    onDrill(event) {
      const kind = this.data.breakdownKind;
      if (view.DRILLABLE.indexOf(kind) < 0 || !event.detail.key) return undefined;
      return this.openTrail(this.data.trail.concat([{ unitId: event.detail.key, name: event.detail.label, kind }]));
    },
    onOpenImport() {
      wx.navigateTo({ url: '/pages/admin/employment-import/index' });
    },
    onUp() {
      if (this.data.trail.length < 2) return undefined;
      return this.openTrail(this.data.trail.slice(0, -1));
    },
  },
});
