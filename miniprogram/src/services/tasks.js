// Tasks for admins: drafts, preview, publish, progress and reminders.
const http = require('../api/request');

function listOwnTasks({ page, perPage }) {
  return http.get('/api/v1/tasks', { mine: 'true', page, per_page: perPage });
}

// Tasks from the ministry, the province or the school that reached the admin's counselors,
// with progress counted in the admin's subtree only.
function listReceivedTasks({ page, perPage }) {
  return http.get('/api/v1/tasks', { received: 'true', page, per_page: perPage });
}

function previewReach(target) {
  return http.post('/api/v1/tasks/preview', target, { toast: false });
}

function createTask(task) {
  return http.post('/api/v1/tasks', task);
}

function publishTask(id) {
  return http.post(`/api/v1/tasks/${encodeURIComponent(id)}/publish`, {});
}

function fetchProgress(id) {
  return http.get(`/api/v1/tasks/${encodeURIComponent(id)}/progress`);
}

// Filters of the chase list: college_id, education_level, bound (true/false), viewed
// (true/false); empty values mean all.
function pendingQuery(filters) {
  const query = {};
  Object.keys(filters || {}).forEach((key) => {
    const value = filters[key];
    if (value !== undefined && value !== null && value !== '') query[key] = value;
  });
  return query;
}

function listPending(id, { page, perPage, filters }) {
  return http.get(
    `/api/v1/tasks/${encodeURIComponent(id)}/progress/pending`,
    Object.assign(pendingQuery(filters), { page, per_page: perPage }),
  );
}

// The chase list the filters select, as an XLSX file for services/files.js.
function pendingExportFile(id, filters) {
  const query = pendingQuery(filters);
  const text = Object.keys(query)
    .map((key) => `${key}=${encodeURIComponent(query[key])}`)
    .join('&');
  return {
    url: `/api/v1/tasks/${encodeURIComponent(id)}/progress/pending/export${text ? `?${text}` : ''}`,
    filename: '未完成名单.xlsx',
    content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}

function fetchTask(id) {
  return http.get(`/api/v1/tasks/${encodeURIComponent(id)}`);
}

// A draft takes any field; a published task only `content` (a correction) and a later
// `deadline`. Counselors not done with it are told of the change.
function updateTask(id, changes) {
  return http.patch(`/api/v1/tasks/${encodeURIComponent(id)}`, changes);
}

// Answers {cancelled_notices, withdrawal_notices}.
function withdrawTask(id) {
  return http.post(`/api/v1/tasks/${encodeURIComponent(id)}/withdraw`, {});
}

function deleteDraft(id) {
  return http.del(`/api/v1/tasks/${encodeURIComponent(id)}`);
}

function remindTask(id) {
  return http.post(`/api/v1/tasks/${encodeURIComponent(id)}/remind`, {});
}

module.exports = {
  pendingExportFile,
  fetchTask,
  updateTask,
  withdrawTask,
  deleteDraft,
  listOwnTasks,
  listReceivedTasks,
  previewReach,
  createTask,
  publishTask,
  fetchProgress,
  listPending,
  remindTask,
};
