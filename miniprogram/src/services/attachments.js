// Attachments of a task: listed for the admins following it and the counselors it reached,
// added and removed by the admins of the publishing unit. Downloading and showing them is
// services/files.js.
const http = require('../api/request');

function listAttachments(taskId, extra) {
  return http.get(`/api/v1/tasks/${encodeURIComponent(taskId)}/attachments`, undefined, extra);
}

// file: {path, name} from wx.chooseMessageFile. wx.uploadFile names the multipart file after
// its temporary path, so the real name goes in the query.
function uploadAttachment(taskId, file) {
  return http.upload({
    path: `/api/v1/tasks/${encodeURIComponent(taskId)}/attachments`,
    query: { filename: file.name },
    filePath: file.path,
    name: 'file',
  });
}

function deleteAttachment(taskId, attachmentId) {
  return http.del(`/api/v1/tasks/${encodeURIComponent(taskId)}/attachments/${encodeURIComponent(attachmentId)}`);
}

module.exports = { listAttachments, uploadAttachment, deleteAttachment };
