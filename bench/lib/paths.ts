/** Absolute paths the benchmark needs, independent of the working directory. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A file under bench/. */
export function benchPath(...segments: string[]): string {
  return resolve(projectRoot, 'bench', ...segments);
}
