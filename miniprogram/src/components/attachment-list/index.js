// The attachments of a task: type, name and size per row. Tapping a row triggers `open`
// {index}; with `removable` each row has 删除, which triggers `remove` {index}. Rows are
// services/files.js attachmentItem() results (files not uploaded yet may have `note`).
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    items: { type: Array, value: [] },
    removable: { type: Boolean, value: false },
  },
  methods: {
    onOpen(event) {
      this.triggerEvent('open', { index: Number(event.currentTarget.dataset.index) });
    },
    onRemove(event) {
      this.triggerEvent('remove', { index: Number(event.currentTarget.dataset.index) });
    },
  },
});
