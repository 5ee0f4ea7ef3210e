// The first step of an import page: a filled-in template (XLSX or CSV) chosen from a chat is
// checked at once by a dry run (every row checked, nothing written), and can be checked
// again (重新检查). A page using it provides dryRun(file) → Promise<report> and
// checkView(report) → what `check` shows, and may provide isBusy() (an import under way: no
// new file) and clearedByChoice() → what else a new file clears (by default the last
// import's `result`). Errors of the dry run (unreadable file, not allowed...) are the API's
// message, shown by the request layer.
const files = require('../services/files');

module.exports = Behavior({
  data: {
    file: null,
    checking: false,
    check: null,
    result: null,
  },
  methods: {
    async onChoose() {
      if (this.data.checking || this.isBusy()) return;
      const file = await files.chooseFile({ type: 'file', extensions: ['xlsx', 'csv'] });
      if (!file) return;
      this.setData(
        Object.assign(
          { file: Object.assign({}, file, { sizeText: files.sizeText(file.size) }), check: null },
          this.clearedByChoice(),
        ),
      );
      await this.checkFile();
    },
    // The dry run: every row checked, nothing written.
    async checkFile() {
      if (!this.data.file || this.data.checking) return;
      this.setData({ checking: true, check: null });
      try {
        const report = await this.dryRun(this.data.file);
        this.setData({ check: this.checkView(report) });
      } catch (error) {
        // Shown by the request layer.
      } finally {
        this.setData({ checking: false });
      }
    },
    onRecheck() {
      return this.checkFile();
    },
    isBusy() {
      return false;
    },
    clearedByChoice() {
      return { result: null };
    },
  },
});
