/** The order in which the benchmark runs its throughput phases, round by round. */
import type { ThroughputPhase } from './options';

/**
 * Order of the phases in odd rounds: the null loan, the baseline commit's lifecycle, the lifecycle, the
 * lifecycle observed (metrics and tracing on, then each alone), the lifecycle without payload
 * encryption, then the direct baseline. Even rounds run them in reverse.
 */
export const PHASE_ORDER: readonly ThroughputPhase[] = ['null', 'baseline', 'lifecycle', 'observed', 'metrics-only', 'tracing-only', 'plaintext', 'direct'];

/** The order of round `r` (from 1): {@link PHASE_ORDER}, reversed in every even round. */
export function roundOrder(r: number): readonly ThroughputPhase[] {
  return r % 2 === 1 ? PHASE_ORDER : [...PHASE_ORDER].reverse();
}
