// The audit log of the admin's unit and the units below: who did what, when, from where,
// newest first; narrowed by the kind of action, or (tap an entry) to one person.
const pagedList = require('../../../behaviors/paged-list');
const accounts = require('../../../services/accounts');
const labels = require('../../../utils/labels');
const format = require('../../../utils/format');

const TARGETS = { account: '账号', org_unit: '单位', major: '专业', task: '任务', news: '资讯', audit_log: '操作' };

// What the entry was about, from its detail: a name or title when it has one.
function subject(entry) {
  const detail = entry.detail || {};
  const named = detail.name || detail.title || detail.username;
  if (named) return String(named);
  if (detail.from && detail.to) {
    const carried = Array.isArray(detail.carried) ? detail.carried.length : detail.carried;
    const disabled = Array.isArray(detail.disabled) ? detail.disabled.length : detail.enabled;
    return `${detail.from}届 → ${detail.to}届（留任 ${carried || 0} 人，停用 ${disabled || 0} 人）`;
  }
  const target = TARGETS[entry.target_type] || entry.target_type;
  if (typeof detail.accounts === 'number') return `${detail.accounts} 个账号`;
  return entry.target_id ? `${target} #${entry.target_id}` : target;
}

function decorate(entry) {
  return {
    id: entry.id,
    actorId: entry.actor_id,
    actorName: entry.actor_name || '系统',
    actionLabel: labels.auditActionLabel(entry.action),
    subject: subject(entry),
    when: format.formatDateTime(entry.created_at),
    ip: entry.ip || '',
  };
}

const ACTIONS = [{ value: '', label: '全部操作' }].concat(
  Object.keys(labels.AUDIT_ACTIONS).map((value) => ({ value, label: labels.AUDIT_ACTIONS[value] })),
);

Component({
  behaviors: [pagedList],
  data: {
    actionOptions: ACTIONS,
    actionIndex: 0,
    // One person's actions only: {id, name}, or null for everyone.
    person: null,
  },
  methods: {
    fetchPage(page, perPage) {
      return accounts.listAudit({
        action: this.data.actionOptions[this.data.actionIndex].value,
        actorId: this.data.person ? this.data.person.id : undefined,
        page,
        perPage,
      });
    },
    decorateItem: decorate,
    onActionChange(event) {
      this.setData({ actionIndex: Number(event.detail.value) });
      return this.loadPage(true);
    },
    onItemTap(event) {
      const item = this.data.items[Number(event.currentTarget.dataset.index)];
      if (!item || !item.actorId || (this.data.person && this.data.person.id === item.actorId)) return;
      wx.showActionSheet({
        itemList: [`只看 ${item.actorName} 的操作`],
        success: (res) => {
          if (res.tapIndex !== 0) return;
          this.setData({ person: { id: item.actorId, name: item.actorName } });
          this.loadPage(true);
        },
      });
    },
    onClearPerson() {
      this.setData({ person: null });
      return this.loadPage(true);
    },
  },
});
