// Employment statistics from the imported 就业数据上报 (aggregates only, never a student).
const http = require('../api/request');

// A counselor's own graduates (college × education levels × majors). Without a cohort the
// latest one with data.
function fetchMyStats({ cohort } = {}) {
  return http.get('/api/v1/my/employment-stats', { cohort });
}

// An admin's scope, or a unit inside it, broken down by the level below.
function fetchScopeStats({ cohort, unitId } = {}) {
  return http.get('/api/v1/employment/stats', { cohort, unit_id: unitId });
}

module.exports = { fetchMyStats, fetchScopeStats };
