const labels = require('../../src/utils/labels');

describe('shownUsername', () => {
  test('a username that is the phone is never printed beside the masked phone', () => {
    expect(labels.shownUsername('13900010001', '139****0001')).toBe('');
    expect(labels.shownUsername('139****0001', '139****0001')).toBe('');
    expect(labels.shownUsername('13900010001', '13900010001')).toBe('');
  });

  test('any other username is shown', () => {
    expect(labels.shownUsername('zhangsan', '139****0001')).toBe('zhangsan');
    // Another number than the phone: a login name like any other.
    expect(labels.shownUsername('13800010001', '139****0001')).toBe('13800010001');
    expect(labels.shownUsername('school_admin', '')).toBe('school_admin');
    expect(labels.shownUsername('', '139****0001')).toBe('');
  });
});
