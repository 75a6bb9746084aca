/**
 * One structured logger (pino) for the worker, the servers and the scripts. Personal data and secrets
 * are removed by path before a line is written; callers still never log raw payloads.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths whose values never reach a log line, at any depth we log objects. */
export const REDACTED_PATHS: readonly string[] = [
  'apiKey', '*.apiKey', 'api_key', '*.api_key', 'authorization', '*.authorization', 'headers.authorization',
  '*.headers.authorization', 'req.headers.authorization', 'token', '*.token',
  'iban', '*.iban', 'account_number', '*.account_number', '*.*.account_number', 'accountNumber', '*.accountNumber',
  'email', '*.email', '*.*.email', 'business_email', '*.business_email',
  'first_name', '*.first_name', 'last_name', '*.last_name', 'name', '*.name', '*.*.name',
  'phone_number', '*.phone_number', 'birth_date', '*.birth_date',
  'document', '*.document', 'contract_s3_url', '*.contract_s3_url', 'contractUrl', '*.contractUrl',
];

let root: Logger | undefined;

/** The process-wide root logger; its level comes from `LOG_LEVEL` through `src/config.ts`. */
export function rootLogger(level?: LoggerOptions['level']): Logger {
  root ??= createLogger({ level: level ?? 'info' });
  if (level) root.level = level;
  return root;
}

/**
 * The trace and span IDs of the active OpenTelemetry span, so a line written inside a span (an HTTP
 * request, an activity, a Defacto call) can be found from its trace; nothing when tracing is off.
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const context = span.spanContext();
  return isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

/** A new logger with the project's redaction, for tests or a custom destination. */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const base: LoggerOptions = {
    level: 'info',
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    base: { pid: process.pid },
    mixin: traceFields,
    ...options,
  };
  return destination ? pino(base, destination) : pino(base);
}

type TemporalLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Adapts a pino logger to Temporal's `Logger` interface, so SDK, worker, workflow and activity log
 * lines go through the same redaction. Symbol-keyed SDK metadata (e.g. timestamps) is dropped.
 */
export function temporalLoggerFrom(logger: Logger) {
  const emit = (level: TemporalLogLevel, message: string, meta?: Record<string | symbol, unknown>): void => {
    const fields = meta ? Object.fromEntries(Object.entries(meta)) : {};
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    logger[method](fields, message);
  };
  return {
    log: emit,
    trace: (message: string, meta?: Record<string | symbol, unknown>) => emit('TRACE', message, meta),
    debug: (message: string, meta?: Record<string | symbol, unknown>) => emit('DEBUG', message, meta),
    info: (message: string, meta?: Record<string | symbol, unknown>) => emit('INFO', message, meta),
    warn: (message: string, meta?: Record<string | symbol, unknown>) => emit('WARN', message, meta),
    error: (message: string, meta?: Record<string | symbol, unknown>) => emit('ERROR', message, meta),
  };
}
