const { mountComponent, tap, textOf } = require('../support/mount');
const files = require('../../src/services/files');

const ITEMS = [
  files.attachmentItem({ id: 3, filename: '招聘简章.pdf', content_type: 'application/pdf', size: 1536, url: '/api/v1/tasks/7/attachments/3' }),
  Object.assign(files.attachmentItem({ id: 'new-1', filename: '报名表.xlsx', size: 10 }), { note: '上传失败：文件过大' }),
];

describe('attachment-list', () => {
  test('type, name, size and a note per row; a tap opens', async () => {
    const list = mountComponent('components/attachment-list/index', { items: ITEMS });
    expect(textOf(list.querySelector('#attachment-3'))).toBe('PDF招聘简章.pdf1.5 KB');
    expect(textOf(list.querySelector('#attachment-new-1'))).toBe('XLSX报名表.xlsx10 B上传失败：文件过大');
    expect(list.querySelector('#remove-3')).toBeFalsy();
    const opened = [];
    list.instance.triggerEvent = (name, detail) => opened.push([name, detail]);
    await tap(list, '#attachment-new-1');
    expect(opened).toEqual([['open', { index: 1 }]]);
  });

  test('removable rows: 删除 removes without opening', async () => {
    const list = mountComponent('components/attachment-list/index', { items: ITEMS, removable: true });
    const events = [];
    list.instance.triggerEvent = (name, detail) => events.push([name, detail]);
    await tap(list, '#remove-3');
    expect(events).toEqual([['remove', { index: 0 }]]);
  });
});
