/**
 * The only reader of `process.env`. Everything configurable is parsed here once, validated with zod,
 * typed, and printable only through {@link redactConfig}.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';

const optionalString = z.string().trim().min(1).optional();
const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z
  .object({
    DEFACTO_BASE_URL: z.url().optional(),
    DEFACTO_API_KEY: optionalString,
    DEFACTO_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('defacto-lending'),
    TEMPORAL_UI_URL: z.url().optional(),
    TEMPORAL_CLI_PATH: optionalString,
    HTTP_PORT: port.default(8080),
    HTTP_PUBLIC_URL: z.url().optional(),
    BACKOFFICE_TOKEN: optionalString,
    WEBHOOK_TOKEN: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => !env.DEFACTO_BASE_URL || env.DEFACTO_API_KEY, {
    message: 'DEFACTO_API_KEY is required when DEFACTO_BASE_URL points at a real Defacto',
    path: ['DEFACTO_API_KEY'],
  });

/** Where Defacto is: the real API (URL and key) or the embedded emulator, started by the caller. */
export type DefactoTarget =
  | { readonly kind: 'remote'; readonly baseUrl: string; readonly apiKey: string; readonly timeoutMs: number }
  | { readonly kind: 'emulator'; readonly apiKey: string; readonly timeoutMs: number };

export interface AppConfig {
  readonly defacto: DefactoTarget;
  readonly temporal: {
    /** Connection settings from `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key, profile file). */
    readonly connection: NativeConnectionOptions;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly uiUrl: string | undefined;
    readonly cliPath: string | undefined;
  };
  readonly http: {
    readonly port: number;
    readonly publicUrl: string | undefined;
    readonly backofficeToken: string | undefined;
    readonly webhookToken: string | undefined;
  };
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

/** Raised when the environment is invalid; its message names every bad variable, never a value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The API key used against the embedded emulator (any non-empty key is a tenant there). */
export const EMULATOR_API_KEY = 'emulator-sandbox-key';

/**
 * Reads and validates the configuration. Pass an explicit environment in tests; by default it reads
 * `process.env`, which nothing else in the project does.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${fields.join('; ')}`);
  }
  const e = parsed.data;
  const definedEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const temporal = loadClientConnectConfig({ overrideEnvVars: definedEnv });
  const defacto: DefactoTarget =
    e.DEFACTO_BASE_URL && e.DEFACTO_API_KEY
      ? { kind: 'remote', baseUrl: e.DEFACTO_BASE_URL, apiKey: e.DEFACTO_API_KEY, timeoutMs: e.DEFACTO_TIMEOUT_MS }
      : { kind: 'emulator', apiKey: e.DEFACTO_API_KEY ?? EMULATOR_API_KEY, timeoutMs: e.DEFACTO_TIMEOUT_MS };
  return {
    defacto,
    temporal: {
      connection: temporal.connectionOptions,
      namespace: temporal.namespace ?? 'default',
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL,
      cliPath: e.TEMPORAL_CLI_PATH,
    },
    http: {
      port: e.HTTP_PORT,
      publicUrl: e.HTTP_PUBLIC_URL,
      backofficeToken: e.BACKOFFICE_TOKEN,
      webhookToken: e.WEBHOOK_TOKEN,
    },
    logLevel: e.LOG_LEVEL,
  };
}

const REDACTED = '[redacted]';

/** A copy of the configuration that is safe to print: keys, tokens and TLS material replaced. */
export function redactConfig(config: AppConfig): unknown {
  const { connection } = config.temporal;
  return {
    defacto:
      config.defacto.kind === 'remote'
        ? { ...config.defacto, apiKey: REDACTED }
        : { ...config.defacto, apiKey: REDACTED },
    temporal: {
      ...config.temporal,
      connection: {
        address: connection.address,
        tls: connection.tls ? REDACTED : false,
        apiKey: connection.apiKey ? REDACTED : undefined,
        metadata: connection.metadata ? REDACTED : undefined,
      },
    },
    http: {
      ...config.http,
      backofficeToken: config.http.backofficeToken ? REDACTED : undefined,
      webhookToken: config.http.webhookToken ? REDACTED : undefined,
    },
    logLevel: config.logLevel,
  };
}
