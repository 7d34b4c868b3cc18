// Preloaded into the web server started by scripts/start.ts: if start.ts is killed outright
// (kill -9), the web server must not live on holding the port; it leaves when its parent does.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
