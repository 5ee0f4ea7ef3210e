// A counselor's own tasks.
const http = require('../api/request');

function listMyTasks({ status, page, perPage }) {
  return http.get('/api/v1/my/tasks', { status, page, per_page: perPage });
}

function fetchMyTask(id) {
  return http.get(`/api/v1/my/tasks/${encodeURIComponent(id)}`);
}

function completeMyTask(id) {
  return http.post(`/api/v1/my/tasks/${encodeURIComponent(id)}/complete`, {});
}

function signInMyTask(id) {
  return http.post(`/api/v1/my/tasks/${encodeURIComponent(id)}/sign-in`, {});
}

module.exports = { listMyTasks, fetchMyTask, completeMyTask, signInMyTask };
