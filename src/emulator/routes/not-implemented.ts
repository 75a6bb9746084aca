/** The operations the emulator does not emulate answer 501 with a problem naming the operation. */
import { OPERATIONS, fastifyPath } from '../operations';
import { ProblemError } from '../problems';
import type { RouteDeps } from './common';

/** Registers a 501 route for every operation of the table not marked emulated. */
export function notImplementedRoutes({ app }: RouteDeps): void {
  for (const { method, path, family, emulated } of OPERATIONS) {
    if (emulated) continue;
    const operation = `${method} ${path}`;
    app.route({
      method, url: fastifyPath(path),
      handler: async () => {
        throw new ProblemError(501, 'not_implemented', `The emulator does not implement ${operation} (${family}).`, [], { operation, family });
      },
    });
  }
}
