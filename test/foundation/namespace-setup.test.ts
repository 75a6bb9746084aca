/**
 * Namespace setup through the OperatorService API, on the run's dev server: the start-up check refuses
 * a namespace without the project's search attributes in one line naming the command, the setup adds
 * them (creating the namespace when missing), and a second setup changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkNamespace, NAMESPACE_SETUP_COMMAND, NamespaceSetupError, setupNamespace,
} from '../../src/namespace-setup';
import { loanSearchAttributes } from '../../src/workflows/search-attributes';
import { testEnv } from '../helpers/temporal';

const names = loanSearchAttributes.map((a) => a.name);

describe('namespace setup', () => {
  it('the dev server namespace already has every search attribute of the project', async () => {
    const { client, namespace } = await testEnv();
    expect(await checkNamespace(client.connection, namespace)).toEqual({ status: 'ready' });
  });

  it('a missing namespace is refused, then created with every attribute; a second run adds nothing', async () => {
    const { client } = await testEnv();
    const namespace = `setup-${randomUUID().slice(0, 8)}`;
    const refusal = await checkNamespace(client.connection, namespace).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(NamespaceSetupError);
    expect((refusal as Error).message).toBe(
      `namespace ${namespace} does not exist: run \`${NAMESPACE_SETUP_COMMAND}\` (with the same TEMPORAL_* settings) first`,
    );

    const first = await setupNamespace(client.connection, { namespace, timeoutMs: 60_000 });
    expect(first).toEqual({ namespace, created: true, added: names, alreadyPresent: [] });
    expect(await checkNamespace(client.connection, namespace)).toEqual({ status: 'ready' });

    const second = await setupNamespace(client.connection, { namespace });
    expect(second).toEqual({ namespace, created: false, added: [], alreadyPresent: names });
  });

  it('a namespace lacking some attributes is refused naming exactly those; --no-create refuses a missing namespace', async () => {
    const { client } = await testEnv();
    const namespace = `partial-${randomUUID().slice(0, 8)}`;
    await setupNamespace(client.connection, { namespace, required: loanSearchAttributes.slice(0, 2) });
    await expect(checkNamespace(client.connection, namespace)).rejects.toThrow(
      `namespace ${namespace} lacks search attributes ${names.slice(2).join(', ')}: run \`${NAMESPACE_SETUP_COMMAND}\``,
    );
    await expect(setupNamespace(client.connection, { namespace: `absent-${randomUUID().slice(0, 8)}`, create: false }))
      .rejects.toThrow(/does not exist \(and --no-create was given\)/);
  });
});
