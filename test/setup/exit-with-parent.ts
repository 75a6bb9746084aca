/**
 * A vitest fork whose parent is gone (Ctrl-C or SIGKILL of `npm test`) dies instead of running on as an
 * orphan: the IPC channel to the parent closes, or the fork is re-parented. SIGKILL, because vitest
 * intercepts `process.exit` inside test files; anything the fork started outside itself (a dev server)
 * has its own parent-death watchdog.
 */
const parentPid = process.ppid;
const die = (): void => {
  process.kill(process.pid, 'SIGKILL');
};

if (process.send) process.once('disconnect', die);
setInterval(() => {
  if (process.ppid !== parentPid) die();
}, 1_000).unref();
