// A list read page by page ({items, page, per_page, total} from the API): the first page on
// load (pages with more to set up override onLoad), the next one on reaching the bottom, all
// again on pull-down refresh. A page using it provides fetchPage(page, perPage) →
// Promise<page> and may provide decorateItem(item).
// A newer load wins over an older one still in flight (switching tabs quickly). Coming back to
// the page reloads it.

const PER_PAGE = 20;

module.exports = Behavior({
  data: {
    items: [],
    page: 0,
    total: 0,
    finished: false,
    loading: false,
    loaded: false,
    failed: false,
  },
  methods: {
    onLoad() {
      return this.loadPage(true);
    },
    async loadPage(reset) {
      if (!reset && (this.data.loading || this.data.finished)) return;
      const page = reset ? 1 : this.data.page + 1;
      this._listSeq = (this._listSeq || 0) + 1;
      const seq = this._listSeq;
      this.setData(reset ? { loading: true, failed: false } : { loading: true });
      try {
        const result = await this.fetchPage(page, PER_PAGE);
        if (seq !== this._listSeq) return;
        const fresh = (result.items || []).map((item) =>
          this.decorateItem ? this.decorateItem(item) : item,
        );
        const items = reset ? fresh : this.data.items.concat(fresh);
        this.setData({
          items,
          page,
          total: result.total,
          finished: fresh.length === 0 || items.length >= result.total,
          loaded: true,
          loading: false,
        });
      } catch (error) {
        if (seq === this._listSeq) this.setData({ loaded: true, failed: true, loading: false });
      }
    },
    async onPullDownRefresh() {
      try {
        await this.refresh();
      } finally {
        wx.stopPullDownRefresh();
      }
    },
    // Pages with more than the list to reload override this.
    refresh() {
      return this.loadPage(true);
    },
    onReachBottom() {
      return this.loadPage(false);
    },
    // Back on this page from another one (a task, a form): what it shows may have changed.
    onShow() {
      if (this._hidden) {
        this._hidden = false;
        this.refresh();
      }
    },
    onHide() {
      this._hidden = true;
    },
  },
});
