const { mountComponent, tap, textOf } = require('../support/mount');

describe('tab-bar', () => {
  test('counselor items, current highlighted, tap switches', async () => {
    const bar = mountComponent('components/tab-bar/index', { current: 'tasks', role: 'counselor' });
    expect(bar.querySelectorAll('.tab-item').map(textOf)).toEqual(['任务', '就业进展', '我的']);
    expect(bar.querySelector('#tab-tasks').dom.className).toContain('tab-item-active');
    await tap(bar, '#tab-me');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/me/index' });
  });

  test('admin items', () => {
    const bar = mountComponent('components/tab-bar/index', { current: 'accounts', role: 'province_admin' });
    expect(bar.querySelectorAll('.tab-item').map(textOf)).toEqual(['任务', '就业统计', '账号', '关注绑定', '我的']);
  });

  test('the statistics pages are one tap away', async () => {
    const counselor = mountComponent('components/tab-bar/index', { current: 'tasks', role: 'counselor' });
    await tap(counselor, '#tab-stats');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/stats/index' });
    const admin = mountComponent('components/tab-bar/index', { current: 'admin-tasks', role: 'school_admin' });
    await tap(admin, '#tab-admin-stats');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/stats/index' });
  });
});

describe('progress-bar', () => {
  test('width follows the percentage, clamped', () => {
    const bar = mountComponent('components/progress-bar/index', { percent: 37.5 });
    expect(textOf(bar)).toBe('37.5%');
    expect(bar.querySelector('.progress-fill').dom.getAttribute('style')).toContain('width: 37.5%');
    bar.setData({ percent: 140 });
    expect(textOf(bar)).toBe('100%');
  });

  test('a caption replaces the percentage', () => {
    const bar = mountComponent('components/progress-bar/index', { percent: 50, caption: '4/8' });
    expect(textOf(bar)).toBe('4/8');
  });
});

describe('badge and empty', () => {
  test('badge shows its text with its type, nothing without text', () => {
    const badge = mountComponent('components/badge/index', { text: '已逾期', type: 'danger' });
    expect(textOf(badge)).toBe('已逾期');
    expect(badge.querySelector('.badge').dom.className).toContain('badge-danger');
    expect(textOf(mountComponent('components/badge/index', { text: '' }))).toBe('');
  });

  test('empty shows its line', () => {
    expect(textOf(mountComponent('components/empty/index', {}))).toBe('暂无内容');
    expect(textOf(mountComponent('components/empty/index', { text: '暂无任务' }))).toBe('暂无任务');
  });
});
