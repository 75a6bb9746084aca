/**
 * The entry-point idiom of every command (worker, server, starter, emulator, scripts, harnesses): run
 * `main` only when the module is the process's entry script, turn its result into the exit code, report
 * a failure as one line on stderr (never a stack trace), and exit even if something (the Temporal native
 * runtime, an open socket) would keep the process alive: a command never hangs once it is done.
 * Options are parsed by `runCommand` of src/command-line.ts (`--help`, exit 2 on a bad flag).
 */
import { pathToFileURL } from 'node:url';

/** How long a finished command may take to exit on its own before it is made to. */
const EXIT_GRACE_MS = 500;

/**
 * An expected failure whose message says everything: one line on stderr, exit code `exitCode`. Typed
 * errors meant for the user as they are (a namespace lacking our search attributes, say) extend it and
 * keep their own name for callers, but are printed without it.
 */
export class CommandError extends Error {
  override readonly name: string = 'CommandError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Errors whose message is meant for the user as is (their class name adds nothing). */
const EXPECTED = new Set(['CommandError', 'ConfigError', 'UsageError']);

/** The one line an error is reported as: an expected error's message; otherwise its name and message. */
export function errorLine(error: unknown): string {
  const expected = (e: Error): boolean => e instanceof CommandError || EXPECTED.has(e.name);
  const text = error instanceof Error ? (expected(error) ? error.message : `${error.name}: ${error.message}`) : String(error);
  return text.split('\n', 1)[0] ?? '';
}

/** True when `moduleUrl` (pass `import.meta.url`) is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(entry).href;
}

/** Sets the exit code and makes sure the process ends soon, whatever still holds the event loop. */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

/**
 * Runs `main` when `moduleUrl` (pass `import.meta.url`) is the entry script. Its result is the exit code
 * (none: 0); a rejection is reported as one line ({@link errorLine}) with exit code 1, or the
 * `exitCode` of a {@link CommandError}.
 */
export function runAsMain(
  moduleUrl: string,
  main: () => Promise<number | void>,
  options: { readonly failurePrefix?: string; readonly beforeFailure?: () => void } = {},
): void {
  if (!isMainModule(moduleUrl)) return;
  Promise.resolve().then(main).then(
    (code) => exitSoon(typeof code === 'number' ? code : 0),
    (error: unknown) => {
      options.beforeFailure?.();
      process.stderr.write(`${options.failurePrefix ?? ''}${errorLine(error)}\n`);
      exitSoon(error instanceof CommandError ? error.exitCode : 1);
    },
  );
}
