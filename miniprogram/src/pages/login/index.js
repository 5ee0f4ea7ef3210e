// Log in with username and password. The wx.login code goes along so that this WeChat can
// log in silently next time; afterwards back to the page the user came from, or home.
// 忘记密码 (also opened as ?reset=1 from the official account's reply to 重置密码) sets a new
// password with the 6-digit code the official account sent, then logs in with it.
const authService = require('../../services/auth');
const meService = require('../../services/me');
const nav = require('../../nav');

Component({
  data: {
    // 'login' | 'reset'
    mode: 'login',
    username: '',
    password: '',
    code: '',
    newPassword: '',
    confirmPassword: '',
    submitting: false,
    redirect: '',
    // 忘记密码: the server also sends codes by SMS; seconds until another may be asked.
    smsOffered: false,
    smsWait: 0,
  },
  methods: {
    onLoad(options) {
      const reset = Boolean(options && options.reset === '1');
      this.setData({
        redirect: nav.safeReturn(nav.decodeParam(options && options.redirect)),
        mode: reset ? 'reset' : 'login',
      });
      if (reset) return this.loadResetOptions();
      return undefined;
    },
    onUnload() {
      if (this._timer) clearInterval(this._timer);
    },
    async loadResetOptions() {
      try {
        const options = await authService.resetOptions();
        this.setData({ smsOffered: Boolean(options && options.sms) });
      } catch (error) {
        // The chat remains the way to a code.
      }
    },
    async onSmsCode() {
      const username = this.data.username.trim();
      if (!username) {
        wx.showToast({ title: '请先输入用户名', icon: 'none' });
        return;
      }
      if (this.data.smsWait > 0) return;
      try {
        await authService.sendResetCode(username);
      } catch (error) {
        return; // Shown by the request layer (e.g. 尝试过于频繁).
      }
      wx.showToast({ title: '如该账号登记了手机号，验证码已发送', icon: 'none' });
      this.setData({ smsWait: 60 });
      this._timer = setInterval(() => {
        const left = this.data.smsWait - 1;
        this.setData({ smsWait: Math.max(0, left) });
        if (left <= 0) clearInterval(this._timer);
      }, 1000);
    },
    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    onForgot() {
      this.setData({ mode: 'reset', code: '', newPassword: '', confirmPassword: '' });
      return this.loadResetOptions();
    },
    onBackToLogin() {
      this.setData({ mode: 'login', password: '' });
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
        await this.logIn(username, password);
      } catch (error) {
        // The API's message has been shown as a toast.
      } finally {
        this.setData({ submitting: false });
      }
    },
    async logIn(username, password) {
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
    },
    async onReset() {
      if (this.data.submitting) return;
      const d = this.data;
      const username = d.username.trim();
      const code = d.code.trim();
      let problem = '';
      if (!username) problem = '请输入用户名';
      else if (!/^\d{6}$/.test(code)) problem = '请输入 6 位数字验证码';
      else if (!d.newPassword) problem = '请输入新密码';
      else if (d.newPassword !== d.confirmPassword) problem = '两次输入的新密码不一致';
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' });
        return;
      }
      this.setData({ submitting: true });
      try {
        await authService.resetWithCode(username, code, d.newPassword);
      } catch (error) {
        // The API's message (验证码错误，还可尝试 N 次…) has been shown as a toast.
        this.setData({ submitting: false });
        return;
      }
      wx.showToast({ title: '密码已重置，正在登录', icon: 'none' });
      try {
        await this.logIn(username, d.newPassword);
      } catch (error) {
        // Shown by the request layer; the new password is set, the user can log in by hand.
        this.setData({ mode: 'login', password: '' });
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
