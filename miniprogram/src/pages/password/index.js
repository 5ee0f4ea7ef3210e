// Change the password: forced after the first login (forced=1), or from the me page.
// The API ends every session and answers a new token for this device.
const authService = require('../../services/auth');
const meService = require('../../services/me');
const nav = require('../../nav');

// Mirrors the server's rule so the user learns it before sending.
function checkNewPassword(value) {
  if (value.length < 8 || value.length > 64) return '新密码须为 8–64 位';
  if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return '新密码须同时包含字母和数字';
  return '';
}

Component({
  data: {
    oldPassword: '',
    newPassword: '',
    confirmPassword: '',
    forced: false,
    redirect: '',
    submitting: false,
  },
  methods: {
    onLoad(options) {
      const query = options || {};
      this.setData({
        forced: query.forced === '1',
        redirect: nav.safeReturn(nav.decodeParam(query.redirect)),
      });
    },
    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    async onSubmit() {
      if (this.data.submitting) return;
      const { oldPassword, newPassword, confirmPassword } = this.data;
      let problem = '';
      if (!oldPassword || !newPassword) problem = '请填写原密码和新密码';
      else if (newPassword !== confirmPassword) problem = '两次输入的新密码不一致';
      else if (newPassword === oldPassword) problem = '新密码不能与原密码相同';
      else problem = checkNewPassword(newPassword);
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' });
        return;
      }
      this.setData({ submitting: true });
      try {
        await authService.changePassword(oldPassword, newPassword);
        wx.showToast({ title: '密码已修改', icon: 'success' });
        const me = await meService.fetchMe();
        if (!this.data.forced && !this.data.redirect) {
          wx.navigateBack({ delta: 1 });
          return;
        }
        nav.afterLogin(this.data.redirect, me.role);
      } catch (error) {
        // Shown by the request layer (e.g. 原密码不正确).
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
