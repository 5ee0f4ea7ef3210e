// Launch page: log in silently when possible, then open the home page of the role.
const meService = require('../../services/me');
const nav = require('../../nav');

Component({
  data: {
    failed: false,
  },
  methods: {
    onLoad() {
      return this.start();
    },
    async start() {
      this.setData({ failed: false });
      try {
        const me = await meService.fetchMe();
        if (me.must_change_password) {
          nav.toChangePassword('');
          return;
        }
        wx.reLaunch({ url: nav.homeOf(me.role) });
      } catch (error) {
        // The request layer has already gone to the login page when there is no session.
        if (error.code !== 'unauthenticated') this.setData({ failed: true });
      }
    },
    onRetry() {
      return this.start();
    },
  },
});
