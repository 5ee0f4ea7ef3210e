// Employment statistics from the imported 就业数据上报 (aggregates only, never a student), and
// the import of that report by school and college admins.
const http = require('../api/request');

// The import template (XLSX), opened with services/files.js.
const IMPORT_TEMPLATE = {
  url: '/api/v1/employment/template',
  filename: '就业数据上报模板.xlsx',
  content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

// A counselor's own graduates (college × education levels × majors). Without a cohort the
// latest one with data.
function fetchMyStats({ cohort } = {}) {
  return http.get('/api/v1/my/employment-stats', { cohort });
}

// An admin's scope, or a unit inside it, broken down by the level below.
function fetchScopeStats({ cohort, unitId } = {}) {
  return http.get('/api/v1/employment/stats', { cohort, unit_id: unitId });
}

// Upload a file ({path, name} from wx.chooseMessageFile) to the imports: how it runs in the
// query (dry_run or background), then its real name (wx.uploadFile names the multipart file
// after its temporary path).
function uploadImport(file, how) {
  return http.upload({
    path: '/api/v1/employment/imports',
    query: Object.assign({}, how, { filename: file.name }),
    filePath: file.path,
    name: 'file',
  });
}

// Check a file: the import report, nothing written.
function checkImport(file) {
  return uploadImport(file, { dry_run: 'true' });
}

// Import a file in the background: the run {id, status: 'running', processed, total, …}
// at once; poll fetchImport(id) for progress and the report.
function startImport(file) {
  return uploadImport(file, { background: 'true' });
}

function fetchImport(id, extra) {
  return http.get(`/api/v1/employment/imports/${encodeURIComponent(id)}`, undefined, extra);
}

// The latest runs in the admin's scope, newest first.
function listImports(extra) {
  return http.get('/api/v1/employment/imports', undefined, extra);
}

// Where the catalog and the employment data disagree, for one cohort (the latest by default):
// counselors whose majors match no graduate, majors nobody is responsible for, college names
// of the data with no college unit.
function fetchDiagnostics({ cohort } = {}) {
  return http.get('/api/v1/employment/diagnostics', { cohort });
}

module.exports = {
  fetchDiagnostics,
  IMPORT_TEMPLATE,
  fetchMyStats,
  fetchScopeStats,
  checkImport,
  startImport,
  fetchImport,
  listImports,
};
