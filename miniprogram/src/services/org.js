// Org units and majors inside the caller's scope.
const http = require('../api/request');

function listUnits({ parentId, kind, page, perPage }) {
  return http.get('/api/v1/org/units', {
    parent_id: parentId,
    kind,
    page,
    per_page: perPage || 100,
  });
}

// Every unit matching, page after page (a province can have more than 100 universities).
async function listAllUnits({ parentId, kind }) {
  const items = [];
  for (let page = 1; page <= 50; page += 1) {
    const result = await listUnits({ parentId, kind, page, perPage: 100 });
    items.push(...result.items);
    if (result.items.length === 0 || items.length >= result.total) break;
  }
  return items;
}

function listMajors(collegeId) {
  return http.get(`/api/v1/org/units/${encodeURIComponent(collegeId)}/majors`);
}

// A college under the university `parentId`; its code is internal, made up when not given.
function createCollege({ parentId, name, code }) {
  const made = code || `c${Date.now().toString(36)}`;
  return http.post('/api/v1/org/units', { kind: 'college', name, code: made, parent_id: parentId });
}

function renameUnit(id, name) {
  return http.patch(`/api/v1/org/units/${encodeURIComponent(id)}`, { name });
}

module.exports = { listUnits, listAllUnits, listMajors, createCollege, renameUnit };
