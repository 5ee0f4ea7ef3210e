// After test/support/setup.js: a render whose page asks the stub API for something it was
// not given (a 404 "请求的接口不存在" from test/support/stub-api.js) fails, since the picture
// would then show an error state nobody meant to look at.
//
// It also declares the built-in properties that change how a component looks and that
// test/support/mount.js does not declare: a textarea's text and placeholder, a switch's
// colour, so that html.js can show them.
const jComponent = require('j-component');

jComponent.register({
  id: 'textarea',
  tagName: 'wx-textarea',
  template: '<slot/>',
  properties: { value: { type: String, value: '' }, placeholder: { type: String, value: '' } },
});
jComponent.register({
  id: 'switch',
  tagName: 'wx-switch',
  template: '<slot/>',
  properties: { checked: { type: Boolean, value: false }, color: { type: String, value: '' } },
});

let unplanned = [];

beforeEach(() => {
  unplanned = [];
  const setTransport = wxControl.setTransport.bind(wxControl);
  wxControl.setTransport = (transport) =>
    setTransport((req) =>
      Promise.resolve(transport(req)).then((answer) => {
        if (answer && answer.statusCode === 404 && answer.data && answer.data.message === '请求的接口不存在') {
          unplanned.push(`${req.method} ${new URL(req.url).pathname}`);
        }
        return answer;
      }),
    );
});

afterEach(() => {
  expect(unplanned).toEqual([]);
});
