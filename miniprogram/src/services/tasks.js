// Tasks for admins: drafts, preview, publish, progress and reminders.
const http = require('../api/request');

function listOwnTasks({ page, perPage }) {
  return http.get('/api/v1/tasks', { mine: 'true', page, per_page: perPage });
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

function listPending(id, { page, perPage }) {
  return http.get(`/api/v1/tasks/${encodeURIComponent(id)}/progress/pending`, {
    page,
    per_page: perPage,
  });
}

function remindTask(id) {
  return http.post(`/api/v1/tasks/${encodeURIComponent(id)}/remind`, {});
}

module.exports = {
  listOwnTasks,
  previewReach,
  createTask,
  publishTask,
  fetchProgress,
  listPending,
  remindTask,
};
