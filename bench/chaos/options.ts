/**
 * Settings of a chaos run and the command line that produces them
 * (`npm run chaos -- --loans N --seed S [--json out.json] [--duration-s D] ...`).
 */
import { parseArgs } from 'node:util';
import type { Timing } from '../../src/emulator/context';

/** Everything a chaos run needs; {@link chaosOptions} fills the defaults. */
export interface ChaosOptions {
  /** Loans in total (fault-free phase included). */
  readonly loans: number;
  /** Seed of every random choice: scenarios, emulator data and faults, kill jitter. */
  readonly seed: number;
  /** Loans in flight at once (closed loop: a finished loan makes room for the next). */
  readonly concurrency: number;
  /** Loans of the fault-free phase that measures the baseline throughput. */
  readonly faultFreeLoans: number;
  /** Planned length of the fault phase in seconds; the one-off restarts are placed within it. */
  readonly durationS: number | undefined;
  /** Mean seconds between two SIGKILLs of the worker (±20 % seeded jitter). */
  readonly killEveryS: number;
  /** Upper bound on worker kills (e.g. 1 for the short variant). */
  readonly maxWorkerKills: number;
  /** Temporal dev-server restarts on the same database file and port (0 or 1). */
  readonly serverRestarts: number;
  /** HTTP edge restarts on the same port (0 or 1). */
  readonly edgeRestarts: number;
  /** A loan not finished this long after its start is a violation. */
  readonly loanDeadlineS: number;
  /** Emulator step delays. */
  readonly timing: 'instant' | 'realistic' | Timing;
  /** Write the JSON report here. */
  readonly json: string | undefined;
  /** Keep the temporary directory (database, logs) instead of deleting it. */
  readonly keepDir: boolean;
}

/** Raised for a bad command line (exit code 2). */
export class ChaosUsageError extends Error {
  override readonly name = 'ChaosUsageError';
}

/** Fills the defaults of a partial option set (used by the CLI and the short test). */
export function chaosOptions(partial: Partial<ChaosOptions> & { readonly loans: number; readonly seed: number }): ChaosOptions {
  const concurrency = partial.concurrency ?? Math.min(16, Math.max(4, Math.ceil(partial.loans / 10)));
  const faultFreeLoans = partial.faultFreeLoans ?? Math.min(partial.loans - 1, Math.max(concurrency, Math.round(partial.loans * 0.15)));
  const options: ChaosOptions = {
    loans: partial.loans,
    seed: partial.seed,
    concurrency,
    faultFreeLoans,
    durationS: partial.durationS,
    killEveryS: partial.killEveryS ?? 15,
    maxWorkerKills: partial.maxWorkerKills ?? Number.POSITIVE_INFINITY,
    serverRestarts: partial.serverRestarts ?? 1,
    edgeRestarts: partial.edgeRestarts ?? 1,
    loanDeadlineS: partial.loanDeadlineS ?? 900,
    timing: partial.timing ?? 'realistic',
    json: partial.json,
    keepDir: partial.keepDir ?? false,
  };
  const problems: string[] = [];
  if (!Number.isInteger(options.loans) || options.loans < 2) problems.push('--loans must be an integer ≥ 2');
  if (!Number.isInteger(options.seed)) problems.push('--seed must be an integer');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) problems.push('--concurrency must be a positive integer');
  if (!Number.isInteger(options.faultFreeLoans) || options.faultFreeLoans < 1 || options.faultFreeLoans >= options.loans) {
    problems.push('--fault-free-loans must be between 1 and loans - 1');
  }
  if (options.durationS !== undefined && !(options.durationS > 0)) problems.push('--duration-s must be positive');
  if (!(options.killEveryS > 0)) problems.push('--kill-every-s must be positive');
  if (!(options.loanDeadlineS > 0)) problems.push('--loan-deadline-s must be positive');
  if (!(options.maxWorkerKills >= 0)) problems.push('--max-worker-kills must be ≥ 0');
  if (![0, 1].includes(options.serverRestarts)) problems.push('--server-restarts must be 0 or 1');
  if (![0, 1].includes(options.edgeRestarts)) problems.push('--edge-restarts must be 0 or 1');
  if (problems.length > 0) throw new ChaosUsageError(problems.join('; '));
  return options;
}

const USAGE = 'usage: npm run chaos -- --loans N --seed S [--json out.json] [--duration-s D] [--concurrency C]'
  + ' [--fault-free-loans F] [--kill-every-s K] [--max-worker-kills M] [--server-restarts 0|1] [--edge-restarts 0|1]'
  + ' [--loan-deadline-s T] [--timing instant|realistic] [--keep-dir]';

function numberOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ChaosUsageError(`--${name} must be a number\n${USAGE}`);
  return n;
}

/** Parses the command line. @throws ChaosUsageError */
export function parseChaosArgs(argv: readonly string[]): ChaosOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        loans: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' }, 'duration-s': { type: 'string' },
        concurrency: { type: 'string' }, 'fault-free-loans': { type: 'string' }, 'kill-every-s': { type: 'string' },
        'max-worker-kills': { type: 'string' }, 'server-restarts': { type: 'string' }, 'edge-restarts': { type: 'string' },
        'loan-deadline-s': { type: 'string' }, timing: { type: 'string' }, 'keep-dir': { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new ChaosUsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const timing = values.timing;
  if (timing !== undefined && timing !== 'instant' && timing !== 'realistic') throw new ChaosUsageError(`--timing must be instant or realistic\n${USAGE}`);
  const partial: { -readonly [K in keyof ChaosOptions]?: ChaosOptions[K] } = {};
  const numbers: [keyof ChaosOptions & string, string][] = [
    ['durationS', 'duration-s'], ['concurrency', 'concurrency'], ['faultFreeLoans', 'fault-free-loans'],
    ['killEveryS', 'kill-every-s'], ['maxWorkerKills', 'max-worker-kills'], ['serverRestarts', 'server-restarts'],
    ['edgeRestarts', 'edge-restarts'], ['loanDeadlineS', 'loan-deadline-s'],
  ];
  for (const [key, flag] of numbers) {
    const n = numberOf(flag, values[flag as keyof typeof values] as string | undefined);
    if (n !== undefined) (partial as Record<string, unknown>)[key] = n;
  }
  if (values.json !== undefined) partial.json = values.json;
  if (timing !== undefined) partial.timing = timing;
  if (values['keep-dir'] !== undefined) partial.keepDir = values['keep-dir'];
  return chaosOptions({ ...partial, loans: numberOf('loans', values.loans) ?? 200, seed: numberOf('seed', values.seed) ?? 42 });
}
