// Log in with username and password. The wx.login code goes along so that this WeChat can
// log in silently next time; afterwards back to the page the user came from, or home.
const authService = require('../../services/auth');
const meService = require('../../services/me');
const nav = require('../../nav');

Component({
  data: {
    username: '',
    password: '',
    submitting: false,
    redirect: '',
  },
  methods: {
    onLoad(options) {
      this.setData({ redirect: nav.safeReturn(nav.decodeParam(options && options.redirect)) });
    },
    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    async onSubmit() {
      if (this.data.submitting) return;
      const username = this.data.username.trim();
      const password = this.data.password;
      if (!username || !password) {
        wx.showToast({ title: '请输入用户名和密码', icon: 'none' });
        return;
      }
      this.setData({ submitting: true });
      try {
        const result = await authService.login(username, password);
        if (result.must_change_password) {
          const back = this.data.redirect;
          wx.redirectTo({
            url: `${nav.PASSWORD}?forced=1${back ? `&redirect=${encodeURIComponent(back)}` : ''}`,
          });
          return;
        }
        const me = await meService.fetchMe();
        nav.afterLogin(this.data.redirect, me.role);
      } catch (error) {
        // The API's message has been shown as a toast.
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
