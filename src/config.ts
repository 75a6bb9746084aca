/**
 * The only reader of `process.env`. Everything configurable is parsed here once, validated with zod,
 * typed, and printable only through {@link redactConfig}.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { z } from 'zod';
import { decodeKey, KEY_BYTES, KeyringError, parseKeyList, PayloadKeyring } from './codec/keyring';

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
  readonly dataProtection: {
    /**
     * Whether payloads are encrypted (`PAYLOAD_ENCRYPTION`, on by default). Off only against the emulator
     * (the benchmark's measure of the codec's cost): the data converter then has no payload codec, so it
     * reads plain payloads only.
     */
    readonly payloadEncryption: boolean;
    /** Payload encryption keys (several for rotation, one active). */
    readonly keyring: PayloadKeyring;
    /** Where the keys came from; `development` is the generated key of this checkout (`.tools/`). */
    readonly keySource: 'environment' | 'file' | 'development';
    /** HMAC key of the search tags that stand for identifiers in search attributes. */
    readonly searchTagKey: Buffer;
  };
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

/**
 * The variables that give a child process exactly these payload keys (its environment, never its
 * command line): `PAYLOAD_KEYS`, `PAYLOAD_ACTIVE_KEY_ID`, `SEARCH_TAG_KEY`.
 */
export function dataProtectionEnv(
  keyring: PayloadKeyring, searchTagKey: Buffer,
): Readonly<Record<'PAYLOAD_KEYS' | 'PAYLOAD_ACTIVE_KEY_ID' | 'SEARCH_TAG_KEY' | 'PAYLOAD_KEYS_FILE', string | undefined>> {
  return {
    PAYLOAD_KEYS: keyring.keyIds.map((id) => `${id}=${keyring.key(id)!.toString('base64')}`).join(','),
    PAYLOAD_ACTIVE_KEY_ID: keyring.activeKeyId,
    SEARCH_TAG_KEY: searchTagKey.toString('base64'),
    PAYLOAD_KEYS_FILE: undefined,
  };
}

/** The generated development keys of this checkout (gitignored; created on first use). */
export const DEVELOPMENT_KEYS_FILE = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), '.tools', 'payload-dev-keys.json');

/** The keys file format of `PAYLOAD_KEYS_FILE` (and of the generated development keys). */
const KeysFileSchema = z.object({
  activeKeyId: z.string().min(1),
  keys: z.record(z.string(), z.string()),
  searchTagKey: z.string().optional(),
});

function readKeysFile(path: string, origin: string): z.infer<typeof KeysFileSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyringError(`${origin}: cannot read ${path} (${code ?? 'not JSON'})`);
  }
  const parsed = KeysFileSchema.safeParse(raw);
  if (!parsed.success) throw new KeyringError(`${origin}: ${path} is not {"activeKeyId", "keys": {ID: base64}, "searchTagKey"?}`);
  return parsed.data;
}

/** Reads the development keys, generating them once per checkout (atomically: parallel test processes agree). */
function developmentKeysFile(): z.infer<typeof KeysFileSchema> {
  try {
    return readKeysFile(DEVELOPMENT_KEYS_FILE, 'development keys');
  } catch {
    mkdirSync(dirname(DEVELOPMENT_KEYS_FILE), { recursive: true });
    const keyId = `dev-${randomBytes(4).toString('hex')}`;
    const content = {
      activeKeyId: keyId,
      keys: { [keyId]: randomBytes(KEY_BYTES).toString('base64') },
      searchTagKey: randomBytes(KEY_BYTES).toString('base64'),
    };
    const temporary = `${DEVELOPMENT_KEYS_FILE}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    try {
      linkSync(temporary, DEVELOPMENT_KEYS_FILE);
    } catch {
      // Another process created it first: use theirs.
    } finally {
      rmSync(temporary, { force: true });
    }
    return readKeysFile(DEVELOPMENT_KEYS_FILE, 'development keys');
  }
}

function loadDataProtection(e: z.infer<typeof EnvSchema>): AppConfig['dataProtection'] {
  let keys: Map<string, Buffer>;
  let activeKeyId: string | undefined;
  let searchTagKey: string | undefined = e.SEARCH_TAG_KEY;
  let keySource: AppConfig['dataProtection']['keySource'];
  if (e.PAYLOAD_KEYS) {
    keys = parseKeyList(e.PAYLOAD_KEYS, 'PAYLOAD_KEYS');
    activeKeyId = keys.size === 1 ? [...keys.keys()][0] : undefined;
    keySource = 'environment';
  } else {
    const file = e.PAYLOAD_KEYS_FILE
      ? readKeysFile(e.PAYLOAD_KEYS_FILE, 'PAYLOAD_KEYS_FILE')
      : developmentKeysFile();
    const origin = e.PAYLOAD_KEYS_FILE ? 'PAYLOAD_KEYS_FILE' : 'development keys';
    keys = new Map(Object.entries(file.keys).map(([id, key]) => [id, decodeKey(id, key, origin)]));
    activeKeyId = file.activeKeyId;
    searchTagKey ??= file.searchTagKey;
    keySource = e.PAYLOAD_KEYS_FILE ? 'file' : 'development';
  }
  activeKeyId = e.PAYLOAD_ACTIVE_KEY_ID ?? activeKeyId;
  if (!activeKeyId) throw new KeyringError('PAYLOAD_ACTIVE_KEY_ID is required when PAYLOAD_KEYS lists several keys');
  if (!searchTagKey) {
    throw new KeyringError('SEARCH_TAG_KEY (or "searchTagKey" in PAYLOAD_KEYS_FILE) is required with configured payload keys');
  }
  const tagKey = decodeKey('search tag key', searchTagKey, 'SEARCH_TAG_KEY');
  if (tagKey.length < 16) throw new KeyringError('SEARCH_TAG_KEY must be at least 16 bytes of base64');
  return {
    payloadEncryption: e.PAYLOAD_ENCRYPTION === 'on', keyring: new PayloadKeyring(keys, activeKeyId), keySource, searchTagKey: tagKey,
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
    dataProtection: {
      payloadEncryption: config.dataProtection.payloadEncryption ? 'on' : 'off',
      keySource: config.dataProtection.keySource,
      activeKeyId: config.dataProtection.keyring.activeKeyId,
      keyIds: config.dataProtection.keyring.keyIds,
      searchTagKey: REDACTED,
    },
    codecServer: { ...config.codecServer, token: config.codecServer.token ? REDACTED : undefined },
    logLevel: config.logLevel,
    observability: {
      workerMetricsAddress: config.observability.workerMetricsAddress,
      // An OTLP URL may carry credentials in its user-info: print only its origin and path.
      tracing: config.observability.tracing.exporter === 'otlp'
        ? { ...config.observability.tracing, url: safeUrl(config.observability.tracing.url) }
        : config.observability.tracing,
    },
    lending: { ...config.lending, repayNowCallbackUrl: safeUrl(config.lending.repayNowCallbackUrl) },
  };
}

function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
