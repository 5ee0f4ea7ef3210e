// A small label: task type, deadline, overdue, done, confidential...
// type: primary | muted | warn | danger | done
Component({
  properties: {
    text: { type: String, value: '' },
    type: { type: String, value: 'primary' },
  },
});
