/**
 * The `baseline` phase's stack: the code of an earlier commit (default: the upgrade test's baseline,
 * test/upgrade/baseline-commit), checked out as a git worktree under `.cache/baseline/<sha>` by the
 * upgrade test's mechanism, its own worker (`src/worker.ts`) and, with webhooks on, its own HTTP edge
 * (`src/http/server.ts`, which subscribes to the webhooks it subscribed to then), each a child process
 * configured by the environment like a deployed process. Loans are started by a client without payload
 * encryption (the baseline's clients had none). Same dev server, same emulator, its own tenant.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { DefactoClient } from '../../src/defacto';
import { freePort } from '../../src/dev-server';
import { webhookUrl } from '../../src/http/routes/webhooks';
import { baselineCommit, PROJECT_ROOT, prepareBaseline, startBaselineProcess, type BaselineWorker } from '../../test/upgrade/baseline';
import type { ProgressSink } from './progress';

const TaskQueueType = proto.temporal.api.enums.v1.TaskQueueType;

/** A baseline worker process of one phase run. */
export interface BaselineWorkerChild {
  readonly pid: number;
  readonly startupMs: number;
  stop(): Promise<void>;
}

/** The baseline's processes and the client that starts its loans. */
export interface BaselineStack {
  readonly commit: string;
  /** Starts loans as the baseline's clients did (no payload codec). */
  readonly client: Client;
  readonly apiKey: string;
  /** Starts a baseline worker on `taskQueue`; resolves once it polls. */
  startWorker(taskQueue: string): Promise<BaselineWorkerChild>;
  stop(): Promise<void>;
}

/** Where the baseline runs. */
export interface BaselineTarget {
  readonly commit?: string | undefined;
  readonly temporalAddress: string;
  readonly client: Client;
  readonly emulatorUrl: string;
  readonly apiKey: string;
  readonly webhooks: boolean;
  /** Variables that point a child's configuration at this Temporal (TLS, API key of an existing one). */
  readonly childEnv: Readonly<Record<string, string | undefined>>;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>, child: BaselineWorker): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void child.exited.then((code) => {
    exited = code;
  });
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`the baseline ${what} exited (${exited}) before it was ready:\n${child.output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the baseline ${what} did not start within ${timeoutMs / 1000} s:\n${child.output()}`);
}

/** Checks the commit out (once) and starts its HTTP edge when webhooks are on. */
export async function startBaselineStack(target: BaselineTarget, progress: ProgressSink): Promise<BaselineStack> {
  const commit = target.commit
    ? execFileSync('git', ['rev-parse', '--verify', `${target.commit}^{commit}`], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim()
    : baselineCommit();
  progress.log(`baseline: checking out ${commit.slice(0, 12)} under .cache/baseline`);
  const dir = prepareBaseline(commit);
  const namespace = target.client.options.namespace;
  const temporalEnv = Object.fromEntries(Object.entries(target.childEnv).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])));
  const base = { dir, temporalAddress: target.temporalAddress, namespace, emulatorUrl: target.emulatorUrl, apiKey: target.apiKey };
  const client = new Client({ connection: target.client.connection, namespace });
  const children: BaselineWorker[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(children.splice(0).map((c) => c.stop(5_000)));
  };
  try {
    if (target.webhooks) {
      const port = await freePort();
      const token = randomBytes(16).toString('hex');
      const publicUrl = `http://127.0.0.1:${port}`;
      const edge = startBaselineProcess({ ...base, taskQueue: 'baseline-edge' }, 'src/http/server.ts', {
        ...temporalEnv, HTTP_PORT: String(port), HTTP_PUBLIC_URL: publicUrl, WEBHOOK_TOKEN: token, BACKOFFICE_TOKEN: randomBytes(16).toString('hex'),
      });
      children.push(edge);
      const defacto = new DefactoClient({ baseUrl: target.emulatorUrl, apiKey: target.apiKey, retry: 'none' });
      await until('HTTP edge', 90_000, async () => (await defacto.webhooks.findByUrl(webhookUrl(publicUrl, token))) !== undefined, edge);
    }
    return {
      commit,
      client,
      apiKey: target.apiKey,
      async startWorker(taskQueue) {
        const t0 = performance.now();
        const worker = startBaselineProcess({ ...base, taskQueue }, 'src/worker.ts', temporalEnv);
        children.push(worker);
        await until('worker', 180_000, async () => {
          const described = await target.client.workflowService.describeTaskQueue({
            namespace, taskQueue: { name: taskQueue }, taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          return described.pollers?.some((p) => p.identity === worker.identity) ?? false;
        }, worker);
        const startupMs = performance.now() - t0;
        return {
          pid: worker.pid ?? 0,
          startupMs,
          async stop() {
            await worker.stop(10_000);
            children.splice(children.indexOf(worker), 1);
          },
        };
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
