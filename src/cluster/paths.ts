/** Where the cluster keeps its programs and, by default, its data. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The default data directory of `npm run cluster` (PostgreSQL data, configuration, certificates, logs). */
export const DEFAULT_CLUSTER_DIR = join(projectRoot, '.cache', 'cluster');
