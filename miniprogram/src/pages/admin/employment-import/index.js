// 导入就业数据 (school and college admins): the 就业数据上报 file (XLSX or CSV) is chosen from
// a chat, checked first (a dry run: row errors, new colleges, what would change; nothing is
// written), then imported in the background after a confirmation, with its progress polled
// every second until the run ends. The latest runs are listed; a run still going when the
// page opens is followed again.
const spreadsheetCheck = require('../../../behaviors/spreadsheet-check');
const employment = require('../../../services/employment');
const files = require('../../../services/files');
const format = require('../../../utils/format');

const POLL_MS = 1000;
// Polls failing in a row before the page stops asking and offers a refresh.
const POLL_FAILURES = 3;
// Row errors shown at once (a file can have thousands).
const SHOWN_ERRORS = 100;

const STATUS = {
  running: '进行中',
  done: '已完成',
  failed: '失败',
  interrupted: '已中断',
};

function errorRows(errors) {
  return (errors || []).slice(0, SHOWN_ERRORS).map((e, index) => ({
    key: index,
    where: e.row ? `第 ${e.row} 行${e.column ? ` · ${e.column}` : ''}` : e.column || '文件',
    reason: e.reason,
  }));
}

// A dry run's or a finished run's report, as the page shows it.
function reportView(report) {
  const r = report || {};
  const errors = r.errors || [];
  return {
    rows: r.rows || 0,
    inserted: r.inserted || 0,
    updated: r.updated || 0,
    unchanged: r.unchanged || 0,
    majorsAdded: r.majors_added || 0,
    newColleges: r.new_colleges || [],
    newCollegesText: (r.new_colleges || []).join('、'),
    errorCount: errors.length,
    errors: errorRows(errors),
    moreErrors: Math.max(0, errors.length - SHOWN_ERRORS),
    committed: Boolean(r.committed),
  };
}

// What a finished run means for the user.
function outcome(run) {
  const report = reportView(run.report);
  if (run.status === 'done' && report.committed) {
    const parts = [`新增 ${report.inserted} 人`, `更新 ${report.updated} 人`, `无变化 ${report.unchanged} 人`];
    if (report.newColleges.length) parts.push(`新建院系 ${report.newColleges.length} 个`);
    if (report.majorsAdded) parts.push(`新增专业 ${report.majorsAdded} 个`);
    return { ok: true, title: '导入完成', text: `${parts.join('，')}。` };
  }
  if (run.status === 'interrupted') {
    return { ok: false, title: '导入中断', text: '服务器在导入过程中停止，未写入任何数据，请重新导入。' };
  }
  if (run.status === 'failed') {
    return { ok: false, title: '导入失败', text: '文件无法读取，未写入任何数据。' };
  }
  return { ok: false, title: '导入未完成', text: `文件中有 ${report.errorCount} 处错误，未写入任何数据。请修改后重新导入。` };
}

function runView(run) {
  const total = run.total || 0;
  const processed = run.processed || 0;
  return {
    id: run.id,
    filename: run.filename,
    status: run.status,
    running: run.status === 'running',
    percent: total > 0 ? Math.round((processed * 1000) / total) / 10 : 0,
    progressText: total > 0 ? `已处理 ${processed} / ${total} 行` : '正在读取文件…',
  };
}

function historyResult(run) {
  if (run.status !== 'done' || !run.report) return STATUS[run.status] || run.status;
  const errors = (run.report.errors || []).length;
  if (run.dry_run) return errors ? `检查发现 ${errors} 处错误` : `检查通过，共 ${run.report.rows} 行`;
  return run.report.committed ? `已导入 ${run.report.rows} 行` : `未导入：${errors} 处错误`;
}

function historyItem(run) {
  const errors = run.report ? (run.report.errors || []).length : 0;
  return {
    id: run.id,
    filename: run.filename,
    kindText: run.dry_run ? '检查' : '导入',
    timeText: format.formatDateTime(run.created_at),
    result: historyResult(run),
    failed: run.status === 'failed' || run.status === 'interrupted' || errors > 0,
  };
}

Component({
  behaviors: [spreadsheetCheck],
  data: {
    starting: false,
    run: null,
    pollFailed: false,
    history: [],
  },
  methods: {
    onLoad() {
      return this.loadHistory(true);
    },
    onUnload() {
      this.stopPolling();
    },
    onHide() {
      this._hidden = true;
    },
    onShow() {
      if (this._hidden) {
        this._hidden = false;
        this.loadHistory(false);
      }
    },
    async onPullDownRefresh() {
      try {
        await this.loadHistory(false);
      } finally {
        wx.stopPullDownRefresh();
      }
    },
    // The latest runs; on opening, a commit still running is followed.
    async loadHistory(resume) {
      let runs;
      try {
        runs = await employment.listImports();
      } catch (error) {
        return; // Shown by the request layer.
      }
      this.setData({ history: runs.slice(0, 10).map(historyItem) });
      const running = resume && !this.data.run && runs.find((run) => run.status === 'running' && !run.dry_run);
      if (running) this.follow(running);
    },
    onOpenDiagnostics() {
      wx.navigateTo({ url: '/pages/admin/diagnostics/index' });
    },
    onTemplate() {
      return files.openFile(employment.IMPORT_TEMPLATE);
    },
    dryRun(file) {
      return employment.checkImport(file);
    },
    checkView: reportView,
    isBusy() {
      return this.data.starting || Boolean(this.data.run && this.data.run.running);
    },
    // A new file also hides the last run.
    clearedByChoice() {
      return { result: null, run: null };
    },
    onConfirm() {
      const check = this.data.check;
      if (!check || check.errorCount > 0 || this.isBusy()) return;
      const changes = [`新增 ${check.inserted} 人`, `更新 ${check.updated} 人`];
      const colleges = check.newColleges.length ? `，并新建院系：${check.newColleges.join('、')}` : '';
      wx.showModal({
        title: '确认导入',
        content: `「${this.data.file.name}」共 ${check.rows} 行，将${changes.join('、')}${colleges}。`,
        confirmText: '导入',
        success: (res) => {
          if (res.confirm) this.start();
        },
      });
    },
    async start() {
      this.setData({ starting: true });
      try {
        const run = await employment.startImport(this.data.file);
        this.follow(run);
      } catch (error) {
        // Shown by the request layer.
      } finally {
        this.setData({ starting: false });
      }
    },
    // Show a run and poll it every second until it ends.
    follow(run) {
      this.stopPolling();
      this._pollFailures = 0;
      this.setData({ run: runView(run), result: null, pollFailed: false });
      if (run.status === 'running') this.schedule(run.id);
      else this.finish(run);
    },
    schedule(id) {
      this._pollTimer = setTimeout(() => this.poll(id), POLL_MS);
    },
    stopPolling() {
      if (this._pollTimer) clearTimeout(this._pollTimer);
      this._pollTimer = null;
    },
    async poll(id) {
      this._pollTimer = null;
      let run;
      try {
        run = await employment.fetchImport(id, { toast: false });
      } catch (error) {
        if (error.handled) return;
        this._pollFailures += 1;
        if (this._pollFailures >= POLL_FAILURES) this.setData({ pollFailed: true });
        else this.schedule(id);
        return;
      }
      this._pollFailures = 0;
      this.setData({ run: runView(run) });
      if (run.status === 'running') this.schedule(id);
      else this.finish(run);
    },
    onRefreshRun() {
      if (!this.data.run) return undefined;
      this._pollFailures = 0;
      this.setData({ pollFailed: false });
      return this.poll(this.data.run.id);
    },
    finish(run) {
      const result = Object.assign(outcome(run), { report: reportView(run.report) });
      this.setData({ result });
      if (result.ok) wx.showToast({ title: '导入完成', icon: 'success' });
      this.loadHistory(false);
    },
    onOpenStats() {
      wx.redirectTo({ url: '/pages/admin/stats/index' });
    },
  },
});
