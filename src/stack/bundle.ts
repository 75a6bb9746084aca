/**
 * The workflow bundle of a stack: src/workflows bundled once (and once more with the tracing interceptors
 * when traced workers ask for it) and written to the stack's work directory for worker children to read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loanWorkflowBundle } from '../loans/loan-worker';
import { activeTracing } from '../observability/tracing';

/**
 * The workflow bundle of src/workflows, built once per stack (and once more with the tracing interceptors
 * when traced workers ask for it) and written to its work directory.
 */
export interface StackBundle {
  readonly code: string;
  readonly codePath: string;
  readonly sourceMapPath: string;
  /** How long building it took. */
  readonly buildMs: number;
}

/** Options of {@link StackBundles}. */
export interface BundleOptions {
  /** Include Temporal's OpenTelemetry workflow interceptors (default: whether this process traces). */
  readonly tracing?: boolean;
}

/** The bundles of one stack, each built on first use. */
export type StackBundles = (options?: BundleOptions) => Promise<StackBundle>;

/** Bundles written to `workDir`, built at most once per tracing choice. */
export function stackBundles(workDir: string): StackBundles {
  const bundles = new Map<boolean, Promise<StackBundle>>();
  return (options = {}) => {
    // With tracing on here, the children (same OTEL_* environment) trace too: bundle its interceptors.
    const tracing = options.tracing ?? activeTracing() !== undefined;
    let bundle = bundles.get(tracing);
    if (!bundle) {
      bundle = (async () => {
        const started = performance.now();
        const built = await loanWorkflowBundle({ tracing });
        const buildMs = performance.now() - started;
        const name = tracing ? 'workflow-bundle-traced' : 'workflow-bundle';
        const codePath = join(workDir, `${name}.js`);
        const sourceMapPath = join(workDir, `${name}.js.map`);
        writeFileSync(codePath, built.code);
        writeFileSync(sourceMapPath, built.sourceMap);
        return { code: built.code, codePath, sourceMapPath, buildMs };
      })();
      bundles.set(tracing, bundle);
    }
    return bundle;
  };
}
