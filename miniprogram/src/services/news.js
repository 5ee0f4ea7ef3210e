// 就业资讯: everyone reads the items reaching them; admins publish, correct and withdraw
// items of their scope.
const http = require('../api/request');
const format = require('../utils/format');

// Items reaching the caller, newest first; managed: (admins) every item published in their
// scope, withdrawn ones too.
function listNews({ page, perPage, managed } = {}) {
  return http.get('/api/v1/news', { managed: managed ? 'true' : undefined, page, per_page: perPage });
}

// An item of a list as the lists show it (the readers' and the admin's).
function listItem(item) {
  return {
    id: item.id,
    title: item.title,
    summary: item.summary || '',
    cover: item.cover_url || '',
    isLink: Boolean(item.link_url),
    withdrawn: Boolean(item.withdrawn),
    dateText: format.formatDateTime(item.published_at),
  };
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

module.exports = { listNews, listItem, fetchNews, createNews, updateNews, withdrawNews };
