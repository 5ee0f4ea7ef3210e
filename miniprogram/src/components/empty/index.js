// The line shown where a list has nothing.
Component({
  properties: {
    text: { type: String, value: '暂无内容' },
  },
});
