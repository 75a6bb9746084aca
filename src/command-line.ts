/**
 * The one command-line parser of our commands that take options (`npm start`, the benchmark, the
 * detection benchmark, the chaos harness, the history recorder): options declared once with their help
 * line; `--help` prints the usage and exits 0; an unknown option or a bad value prints one line and the
 * usage and exits 2. `--temporal HOST:PORT` is declared once here for every command that can run on an
 * existing Temporal.
 */
import { parseArgs } from 'node:util';

/** One option: its type, the placeholder of its value in the usage, and its help line. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly value?: string;
  readonly help: string;
  readonly multiple?: boolean;
}

/** A command: its usage line, what it does, its options. */
export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** e.g. `npm run bench -- [options]`. */
  readonly usage: string;
  readonly description?: string;
  readonly options: O;
  /** Accepts positional arguments (e.g. scenario names); absent: a positional argument is a usage error. */
  readonly positionals?: boolean;
}

/** The parsed options, and the positional arguments under `_`. */
export type Values<O extends Record<string, OptionSpec>> = {
  readonly [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string;
} & { readonly _: readonly string[] };

/** A bad command line; the message says which option and why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown by {@link parseCommandLine} for `--help`: the caller prints {@link usageText} and exits 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

/** `--temporal HOST:PORT`, for every command that can run on an existing Temporal. */
export const TEMPORAL_OPTION = {
  temporal: {
    type: 'string', value: 'HOST:PORT',
    help: 'run on this existing Temporal (namespace, TLS, API key from TEMPORAL_* variables) instead of a dev server;'
      + ' default TEMPORAL_ADDRESS, if set',
  },
} as const satisfies Record<string, OptionSpec>;

/** The usage text of a command. */
export function usageText<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const rows = Object.entries(spec.options).map(([name, o]) => [`--${name}${o.value ? ` ${o.value}` : ''}`, o.help] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length), 6) + 2;
  return [
    `usage: ${spec.usage}`,
    ...(spec.description ? [spec.description] : []),
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`),
    `  ${'--help'.padEnd(width)}this text`,
    '',
  ].join('\n');
}

/** Parses `argv` (without `node script`). @throws UsageError */
export function parseCommandLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: readonly string[]): Values<O> {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: spec.positionals ?? false,
      options: {
        ...Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false }])),
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs explains how to pass a value starting with '-' in a second sentence: keep the first.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError((message.split(/\.\s/, 1)[0] ?? message).replace(/\.$/, ''));
  }
  if (values.help) throw new HelpRequested();
  return { ...values, _: positionals } as unknown as Values<O>;
}

/** An integer option ≥ `min`, or undefined when absent. @throws UsageError */
export function integerOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got "${value}")`);
  return n;
}

/** A number option (finite), or undefined when absent. @throws UsageError */
export function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${value}")`);
  return n;
}

/** One of `allowed`, or undefined when absent. @throws UsageError */
export function choiceOption<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/**
 * Parses the command line with `parse` (which may throw {@link UsageError} for values that do not fit)
 * and runs `main`. Resolves the exit code: 0 after `--help`, 2 after a usage error, else `main`'s.
 */
export async function runCommand<O extends Record<string, OptionSpec>, P>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  parse: (values: Values<O>) => P,
  main: (parsed: P) => Promise<number>,
): Promise<number> {
  let parsed: P;
  try {
    parsed = parse(parseCommandLine(spec, argv));
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(usageText(spec));
      return 0;
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${usageText(spec)}`);
    return 2;
  }
  return main(parsed);
}
