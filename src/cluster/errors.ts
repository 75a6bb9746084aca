/** The cluster's own error. */

/** Raised when the cluster cannot start; the message says what failed and carries a log tail. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}
