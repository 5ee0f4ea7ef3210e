// My profile, whether template messages can reach me (follow and bind), the bind code to
// send to the official account, ending silent login from this WeChat, the way to 就业资讯,
// password change and logout.
const meService = require('../../services/me');
const authService = require('../../services/auth');
const session = require('../../api/session');
const nav = require('../../nav');
const capabilities = require('../../services/capabilities');
const format = require('../../utils/format');

function wechatView(wechat) {
  const w = wechat || {};
  let followText = '—';
  if (w.following === true) followText = '已关注';
  else if (w.following === false) followText = '未关注';
  return {
    boundText: w.bound ? '已绑定' : '未绑定',
    followText,
    miniText: w.mini_linked ? '已关联（可免密登录）' : '未关联',
    unfollowed: w.bound && w.following === false,
  };
}

Component({
  data: {
    profile: null,
    role: '',
    levelsText: '',
    majorsText: '',
    wechat: {},
    bind: null,
    issuing: false,
    unlinking: false,
  },
  methods: {
    onLoad() {
      const cached = session.getProfile();
      if (cached) this.show(cached);
      return this.load();
    },
    async load() {
      try {
        this.show(await meService.fetchMe());
      } catch (error) {
        // Shown or redirected by the request layer.
      }
    },
    show(profile) {
      this.setData({
        profile,
        role: profile.role,
        levelsText: (profile.education_levels || []).map((level) => capabilities.levelLabel(profile.capabilities || capabilities.NONE, level)).join('、'),
        majorsText: (profile.majors || []).map((m) => m.name).join('、'),
        wechat: wechatView(profile.wechat),
      });
    },
    async onPullDownRefresh() {
      try {
        await this.load();
      } finally {
        wx.stopPullDownRefresh();
      }
    },
    async onBindCode() {
      if (this.data.issuing) return;
      this.setData({ issuing: true });
      try {
        const result = await meService.createBindCode();
        this.setData({
          bind: {
            code: result.code,
            message: result.message,
            expiresText: format.formatDateTime(result.expires_at),
          },
        });
      } catch (error) {
        // Shown by the request layer.
      } finally {
        this.setData({ issuing: false });
      }
    },
    onCopyBind() {
      wx.setClipboardData({
        data: this.data.bind.message,
        success: () => wx.showToast({ title: '已复制，请到服务号发送', icon: 'none' }),
      });
    },
    onUnlinkMini() {
      if (this.data.unlinking) return;
      wx.showModal({
        title: '解除免密登录',
        content: '解除后，在本微信打开小程序需要重新输入用户名和密码。',
        confirmText: '解除',
        success: async (res) => {
          if (!res.confirm) return;
          this.setData({ unlinking: true });
          try {
            await meService.unlinkMini();
            wx.showToast({ title: '已解除免密登录', icon: 'none' });
            await this.load();
          } catch (error) {
            // Shown by the request layer.
          } finally {
            this.setData({ unlinking: false });
          }
        },
      });
    },
    onOpenNews() {
      wx.navigateTo({ url: '/pages/news/index' });
    },
    onChangePassword() {
      wx.navigateTo({ url: nav.PASSWORD });
    },
    onLogout() {
      wx.showModal({
        title: '退出登录',
        content: '退出后需要重新输入用户名和密码登录。',
        confirmText: '退出',
        success: async (res) => {
          if (!res.confirm) return;
          await authService.logout();
          wx.reLaunch({ url: nav.LOGIN });
        },
      });
    },
  },
});
