/**
 * The entry-point idiom of our commands (worker, server, starter, scripts): run `main` only when the
 * module is the process's entry script, turn its result into the exit code, and report a failure as one
 * line on stderr, never a stack trace.
 */
import { pathToFileURL } from 'node:url';

/** Runs `main` when `moduleUrl` (pass `import.meta.url`) is the script node was started with. */
export function runAsMain(
  moduleUrl: string,
  main: () => Promise<number | void>,
  options: { readonly failurePrefix?: string; readonly beforeFailure?: () => void } = {},
): void {
  const entry = process.argv[1];
  if (!entry || moduleUrl !== pathToFileURL(entry).href) return;
  main().then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (error: unknown) => {
      options.beforeFailure?.();
      process.stderr.write(`${options.failurePrefix ?? ''}${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
