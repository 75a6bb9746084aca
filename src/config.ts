/**
 * The only reader of `process.env`. Everything configurable is parsed here once, validated with zod,
 * typed, and printable only through `redactConfig` (src/config/redaction.ts). Payload keys: src/config/payload-keys.ts.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { KeyringError } from './codec/keyring';
import { loadDataProtection, type DataProtectionConfig } from './config/payload-keys';

const optionalString = z.string().trim().min(1).optional();

/** Languages Defacto translates reason codes into (the same list as `REASON_LANGUAGES` of src/domain/reasons.ts). */
export const DEFACTO_LANGUAGES = ['en', 'fr', 'de', 'es'] as const;
const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z
  .object({
    DEFACTO_BASE_URL: z.url().optional(),
    DEFACTO_API_KEY: optionalString,
    DEFACTO_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    DEFACTO_LANGUAGE: z.enum(DEFACTO_LANGUAGES, { error: `must be one of ${DEFACTO_LANGUAGES.join(', ')}` }).default('en'),
    DEFACTO_REPAY_CALLBACK_URL: z.url().optional(),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('defacto-lending'),
    TEMPORAL_UI_URL: z.url().optional(),
    TEMPORAL_CLI_PATH: optionalString,
    HTTP_PORT: port.default(8080),
    HTTP_PUBLIC_URL: z.url().optional(),
    BACKOFFICE_TOKEN: optionalString,
    WEBHOOK_TOKEN: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PAYLOAD_KEYS: optionalString,
    PAYLOAD_KEYS_FILE: optionalString,
    PAYLOAD_ACTIVE_KEY_ID: optionalString,
    PAYLOAD_ENCRYPTION: z.enum(['on', 'off']).default('on'),
    SEARCH_TAG_KEY: optionalString,
    CODEC_SERVER_PORT: port.default(8089),
    CODEC_SERVER_TOKEN: optionalString,
    CODEC_SERVER_CORS_ORIGINS: z.string().default('http://localhost:8233,http://127.0.0.1:8233'),
    WORKER_METRICS_ADDRESS: z
      .string()
      .trim()
      .regex(/^(off|[^\s:]+:\d{1,5})$/, 'host:port of the worker\'s Prometheus endpoint, or "off"')
      .default('127.0.0.1:9464'),
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
    OTEL_SERVICE_NAME: optionalString,
  })
  .refine((env) => !env.DEFACTO_BASE_URL || env.DEFACTO_API_KEY, {
    message: 'DEFACTO_API_KEY is required when DEFACTO_BASE_URL points at a real Defacto',
    path: ['DEFACTO_API_KEY'],
  })
  .refine((env) => !env.DEFACTO_BASE_URL || env.PAYLOAD_KEYS || env.PAYLOAD_KEYS_FILE, {
    message: 'a payload encryption key is required with a real Defacto: set PAYLOAD_KEYS or PAYLOAD_KEYS_FILE (docs/data-protection.md)',
    path: ['PAYLOAD_KEYS'],
  })
  .refine((env) => env.PAYLOAD_ENCRYPTION === 'on' || !env.DEFACTO_BASE_URL || isLoopbackUrl(env.DEFACTO_BASE_URL), {
    message: 'PAYLOAD_ENCRYPTION=off is refused with a real Defacto (DEFACTO_BASE_URL is not a loopback address): '
      + 'payloads are always encrypted there (docs/data-protection.md)',
    path: ['PAYLOAD_ENCRYPTION'],
  })
  .refine((env) => !(env.PAYLOAD_KEYS && env.PAYLOAD_KEYS_FILE), {
    message: 'set PAYLOAD_KEYS or PAYLOAD_KEYS_FILE, not both',
    path: ['PAYLOAD_KEYS_FILE'],
  });

/**
 * True for a URL on this machine (`localhost`, 127.0.0.0/8, `::1`): the emulator, never the real Defacto.
 * Only there may payload encryption be turned off.
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

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
  readonly dataProtection: DataProtectionConfig;
  readonly codecServer: {
    readonly port: number;
    /** Bearer token a caller of `/encode` and `/decode` must present; without one configured, every call is refused. */
    readonly token: string | undefined;
    /** Origins allowed by CORS (the Web UI's). */
    readonly corsOrigins: readonly string[];
  };
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  readonly observability: ObservabilityConfig;
  /** What the worker's activities need besides Defacto itself. */
  readonly lending: {
    /** Language of the denial and status reasons Defacto translates (`DEFACTO_LANGUAGE`, default `en`). */
    readonly language: (typeof DEFACTO_LANGUAGES)[number];
    /**
     * `base_callback_url` of `POST /repay/now`, where Defacto sends the borrower back after paying
     * (`DEFACTO_REPAY_CALLBACK_URL`; default `HTTP_PUBLIC_URL`, else `http://localhost:HTTP_PORT`).
     */
    readonly repayNowCallbackUrl: string;
  };
}

/**
 * Metrics and traces. Tracing follows OpenTelemetry's standard variables and is off unless
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER` asks for it.
 */
export interface ObservabilityConfig {
  /** `host:port` the worker serves Prometheus metrics on (SDK and business metrics); `undefined` = off. */
  readonly workerMetricsAddress: string | undefined;
  readonly tracing: TracingConfig;
}

/** Where spans go: nowhere, to stdout, or over OTLP/HTTP (protobuf) to `url`. */
export type TracingConfig =
  | { readonly exporter: 'none' }
  | { readonly exporter: 'console'; readonly serviceName: string | undefined }
  | { readonly exporter: 'otlp'; readonly url: string; readonly serviceName: string | undefined };

/** OTLP/HTTP default when only `OTEL_TRACES_EXPORTER=otlp` is set (the specification's default endpoint). */
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

function tracingConfig(e: z.infer<typeof EnvSchema>): TracingConfig {
  const explicit = e.OTEL_TRACES_EXPORTER;
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporter = explicit ?? (endpoint ? 'otlp' : 'none');
  if (exporter === 'none') return { exporter };
  if (exporter === 'console') return { exporter, serviceName: e.OTEL_SERVICE_NAME };
  // The signal-specific variable is the full URL; the generic one is a base the path is appended to.
  const url = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ?? `${(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  return { exporter, url, serviceName: e.OTEL_SERVICE_NAME };
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
  let dataProtection: AppConfig['dataProtection'];
  try {
    dataProtection = loadDataProtection(e);
  } catch (error) {
    if (error instanceof KeyringError) throw new ConfigError(`Invalid configuration: ${error.message}`);
    throw error;
  }
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
    dataProtection,
    codecServer: {
      port: e.CODEC_SERVER_PORT,
      token: e.CODEC_SERVER_TOKEN,
      corsOrigins: e.CODEC_SERVER_CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    },
    logLevel: e.LOG_LEVEL,
    observability: {
      workerMetricsAddress: e.WORKER_METRICS_ADDRESS === 'off' ? undefined : e.WORKER_METRICS_ADDRESS,
      tracing: tracingConfig(e),
    },
    lending: {
      language: e.DEFACTO_LANGUAGE,
      repayNowCallbackUrl: e.DEFACTO_REPAY_CALLBACK_URL ?? e.HTTP_PUBLIC_URL ?? `http://localhost:${e.HTTP_PORT}`,
    },
  };
}
