// A page showing one record, opened as ?id=ID (from a list, a template message or a deep
// link): the id kept in data.id, then load(); 重试 (onRetry) loads again. A page using it
// provides load(), which tells an incomplete link (no id) itself.
module.exports = Behavior({
  data: {
    id: '',
  },
  methods: {
    onLoad(options) {
      this.setData({ id: (options && options.id) || '' });
      return this.load();
    },
    onRetry() {
      return this.load();
    },
  },
});
