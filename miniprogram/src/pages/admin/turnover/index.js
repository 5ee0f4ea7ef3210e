// 换届: the graduating class changes every year. The admin picks the class that is leaving (by
// default the one before the class under way), marks the counselors who stay on for the next
// class (same login, WeChat binding and history), and chooses whether everyone else of that
// class is disabled. One confirmed action, recorded by the server, with 撤销 offered right after.
const accounts = require('../../../services/accounts');
const capabilities = require('../../../services/capabilities');

const PER_PAGE = 100;
// The server's ceiling on counselors carried at once (MAX_CARRIED).
const MAX_LISTED = 5000;

function person(account) {
  return {
    id: account.id,
    name: account.name,
    unitName: account.org_unit.name,
    phone: account.phone || '',
    bound: account.wechat.bound,
    carry: false,
  };
}

Component({
  data: {
    classes: [],
    classIndex: 0,
    people: [],
    total: 0,
    carried: 0,
    disableRest: true,
    loading: false,
    loaded: false,
    failed: false,
    submitting: false,
    result: null,
  },
  methods: {
    async onLoad() {
      let caps;
      try {
        caps = await capabilities.load();
      } catch (error) {
        return;
      }
      const current = caps.current_cohort;
      const classes = [current - 1, current].map((year) => ({ year, label: `${year}届` }));
      this.setData({ classes, classIndex: 0 });
      await this.loadClass();
    },
    from() {
      return this.data.classes[this.data.classIndex].year;
    },
    // Every enabled counselor of the chosen class in scope, a hundred at a time.
    async loadClass() {
      const from = this.from();
      this._seq = (this._seq || 0) + 1;
      const seq = this._seq;
      this.setData({ loading: true, failed: false });
      const people = [];
      let total = 0;
      try {
        for (let page = 1; people.length < MAX_LISTED; page += 1) {
          const result = await accounts.listAccounts({
            role: 'counselor',
            cohort: from,
            disabled: false,
            page,
            perPage: PER_PAGE,
          });
          total = result.total;
          people.push(...result.items.map(person));
          if (result.items.length === 0 || people.length >= total) break;
        }
      } catch (error) {
        if (seq === this._seq) this.setData({ loading: false, loaded: true, failed: true });
        return;
      }
      if (seq !== this._seq) return;
      this.setData({ people, total, carried: 0, loading: false, loaded: true });
    },
    onClassChange(event) {
      this.setData({ classIndex: Number(event.detail.value), result: null });
      return this.loadClass();
    },
    onToggle(event) {
      const index = Number(event.currentTarget.dataset.index);
      const entry = this.data.people[index];
      if (!entry || this.data.result) return;
      const carry = !entry.carry;
      this.setData({
        [`people[${index}].carry`]: carry,
        carried: this.data.carried + (carry ? 1 : -1),
      });
    },
    onAll() {
      if (this.data.result) return;
      const every = this.data.carried < this.data.people.length;
      this.setData({
        people: this.data.people.map((entry) => Object.assign({}, entry, { carry: every })),
        carried: every ? this.data.people.length : 0,
      });
    },
    onDisableRestChange(event) {
      this.setData({ disableRest: Boolean(event.detail.value) });
    },
    summary() {
      const from = this.from();
      const rest = this.data.total - this.data.carried;
      const carried = `${this.data.carried} 人转入 ${from + 1}届（账号、微信绑定和记录保留）`;
      const others = this.data.disableRest
        ? `其余 ${rest} 人停用，停用后无法登录、不再收到任务`
        : `其余 ${rest} 人保持 ${from}届不变`;
      return `${carried}；${others}。操作会记入日志，之后可以撤销。`;
    },
    onSubmit() {
      if (this.data.submitting || this.data.result) return;
      if (this.data.carried === 0 && !this.data.disableRest) {
        wx.showToast({ title: '请选择留任的辅导员，或选择停用其余账号', icon: 'none' });
        return;
      }
      const from = this.from();
      wx.showModal({
        title: `确认 ${from}届 换届`,
        content: this.summary(),
        confirmText: '确认换届',
        success: async (res) => {
          if (!res.confirm) return;
          const carry = this.data.people.filter((entry) => entry.carry).map((entry) => entry.id);
          this.setData({ submitting: true });
          try {
            const result = await accounts.turnover({ from, carry, disableRest: this.data.disableRest });
            this.setData({
              result: {
                id: result.id,
                from: result.from,
                to: result.to,
                carried: result.carried.length,
                disabled: result.disabled.length,
              },
            });
          } catch (error) {
            // Shown by the request layer.
          } finally {
            this.setData({ submitting: false });
          }
        },
      });
    },
    onUndo() {
      const result = this.data.result;
      if (!result || this.data.submitting) return;
      wx.showModal({
        title: '撤销换届',
        content: `转入 ${result.to}届 的 ${result.carried} 人回到 ${result.from}届，停用的 ${result.disabled} 人重新启用。`,
        confirmText: '撤销',
        success: async (res) => {
          if (!res.confirm) return;
          this.setData({ submitting: true });
          try {
            await accounts.undoTurnover(result.id);
            this.setData({ result: null });
            wx.showToast({ title: '已撤销', icon: 'success' });
            await this.loadClass();
          } catch (error) {
            // Shown by the request layer.
          } finally {
            this.setData({ submitting: false });
          }
        },
      });
    },
  },
});
