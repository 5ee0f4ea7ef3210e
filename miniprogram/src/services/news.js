// 就业资讯: everyone reads the items reaching them; admins publish, correct and withdraw
// items of their scope.
const http = require('../api/request');

// Items reaching the caller, newest first; managed: (admins) every item published in their
// scope, withdrawn ones too.
function listNews({ page, perPage, managed } = {}) {
  return http.get('/api/v1/news', { managed: managed ? 'true' : undefined, page, per_page: perPage });
}

function fetchNews(id, extra) {
  return http.get(`/api/v1/news/${encodeURIComponent(id)}`, undefined, extra);
}

// item: {title, summary?, cover_url?, link_url? | body?}
function createNews(item) {
  return http.post('/api/v1/news', item);
}

function updateNews(id, item) {
  return http.put(`/api/v1/news/${encodeURIComponent(id)}`, item);
}

// 撤回: readers no longer see it.
function withdrawNews(id) {
  return http.del(`/api/v1/news/${encodeURIComponent(id)}`);
}

module.exports = { listNews, fetchNews, createNews, updateNews, withdrawNews };
