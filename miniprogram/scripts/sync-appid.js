// Copies the AppID from src/config.js (the one place it is set) into project.config.json,
// which the WeChat DevTools read. Run with `npm run configure` after editing the config.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const config = require(path.join(root, 'src/config.js'));
const projectFile = path.join(root, 'project.config.json');
const project = JSON.parse(fs.readFileSync(projectFile, 'utf8'));

if (!/^wx[0-9a-zA-Z]{16}$/.test(config.appId)) {
  console.error(`src/config.js: appId "${config.appId}" does not look like a mini-program AppID (wx + 16 characters)`);
  process.exit(1);
}
if (project.appid === config.appId) {
  console.log(`project.config.json already uses ${config.appId}`);
} else {
  project.appid = config.appId;
  fs.writeFileSync(projectFile, `${JSON.stringify(project, null, 2)}\n`);
  console.log(`project.config.json now uses ${config.appId}`);
}
