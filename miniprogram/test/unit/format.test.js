const format = require('../../src/utils/format');
const labels = require('../../src/utils/labels');
const nav = require('../../src/nav');

describe('format', () => {
  const now = Date.parse('2026-11-29T02:00:00Z');

  test('dates are Beijing time, with the year only when not this year', () => {
    expect(format.formatDateTime('2026-12-01T10:00:00Z', now)).toBe('12月01日 18:00');
    expect(format.formatDateTime('2027-03-15T10:00:00Z', now)).toBe('2027年03月15日 18:00');
    expect(format.formatDateTime('2026-12-31T16:30:00Z', now)).toBe('2027年01月01日 00:30');
    expect(format.formatDateTime('not a date', now)).toBe('');
  });

  test('picked date and time become RFC 3339 in Beijing time', () => {
    expect(format.beijingIso('2026-12-01', '18:00')).toBe('2026-12-01T18:00:00+08:00');
    expect(format.pickerDate('2026-12-01T17:00:00Z')).toBe('2026-12-02');
    expect(format.pickerTime('2026-12-01T17:05:00Z')).toBe('01:05');
  });

  test('deadline badge: done, overdue, due within a day, later', () => {
    expect(format.deadlineBadge({ deadline: '2026-11-28T00:00:00Z', done: true }, now).type).toBe('done');
    expect(format.deadlineBadge({ deadline: '2026-11-28T00:00:00Z', overdue: true }, now)).toEqual({ type: 'danger', text: '已逾期' });
    expect(format.deadlineBadge({ deadline: '2026-11-29T10:00:00Z' }, now)).toEqual({ type: 'warn', text: '截止 11月29日 18:00' });
    expect(format.deadlineBadge({ deadline: '2026-12-05T10:00:00Z' }, now).type).toBe('muted');
  });

  test('paragraphs split at blank lines and keep line breaks inside', () => {
    expect(format.paragraphs('时间：3月15日\n地点：体育馆\n\n\n请转发\r\n\r\n')).toEqual(['时间：3月15日\n地点：体育馆', '请转发']);
    expect(format.paragraphs('')).toEqual([]);
  });
});

describe('labels', () => {
  test('credentials SMS: a badge only when failed or on its way, a line for each status', () => {
    const now = Date.parse('2026-11-29T02:00:00Z');
    const sms = (status, extra) =>
      Object.assign({ status, attempts: 1, created_at: '2026-11-29T01:00:00Z', sent_at: null, last_error: null }, extra);
    expect(labels.credentialsSmsBadge(null)).toBeNull();
    expect(labels.credentialsSmsBadge(sms('failed'))).toEqual({ type: 'danger', text: '短信失败' });
    expect(labels.credentialsSmsBadge(sms('pending'))).toEqual({ type: 'warn', text: '短信发送中' });
    expect(labels.credentialsSmsBadge(sms('sending'))).toEqual({ type: 'warn', text: '短信发送中' });
    expect(labels.credentialsSmsBadge(sms('sent'))).toBeNull();
    expect(labels.credentialsSmsBadge(sms('logged'))).toBeNull();

    expect(labels.credentialsSmsLine(null)).toBeNull();
    expect(labels.credentialsSmsLine(sms('sent', { sent_at: '2026-11-29T01:02:00Z' }), now)).toEqual({
      text: '初始密码短信：已发送 11月29日 09:02',
      className: 'success-text',
    });
    expect(labels.credentialsSmsLine(sms('sending')).text).toBe('初始密码短信：发送中');
    expect(labels.credentialsSmsLine(sms('failed', { last_error: '号码无效' }))).toEqual({
      text: '初始密码短信：未送达（号码无效），可重置密码重新发送',
      className: 'danger-text',
    });
    expect(labels.credentialsSmsLine(sms('failed')).text).toBe('初始密码短信：未送达，可重置密码重新发送');
    expect(labels.credentialsSmsLine(sms('logged'))).toEqual({ text: '初始密码短信：开发环境未实际发送', className: 'muted' });
    expect(labels.credentialsSmsLine(sms('unknown'))).toBeNull();
  });
});

describe('nav', () => {
  test('only pages of this app are a way back, never login or password', () => {
    expect(nav.safeReturn('/pages/task/detail?id=3')).toBe('/pages/task/detail?id=3');
    expect(nav.safeReturn('https://evil.example/pages/x')).toBe('');
    expect(nav.safeReturn('/pages/login/index?redirect=x')).toBe('');
    expect(nav.safeReturn('/pages/password/index')).toBe('');
  });

  test('query values are decoded once', () => {
    expect(nav.decodeParam(encodeURIComponent('/pages/task/detail?id=3'))).toBe('/pages/task/detail?id=3');
    expect(nav.decodeParam('/pages/tasks/index')).toBe('/pages/tasks/index');
    expect(nav.decodeParam(undefined)).toBe('');
  });

  test('home of each role', () => {
    expect(nav.homeOf('counselor')).toBe('/pages/tasks/index');
    expect(nav.homeOf('college_admin')).toBe('/pages/admin/home/index');
  });
});
