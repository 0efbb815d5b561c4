import { redact } from './redact.js';

/** How much the SDK logs. `debug` prints one line per HTTP attempt. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Where log lines go. `console` fits; so do pino and winston loggers. */
export interface Logger {
  /** A failure the caller will also see as an error. */
  error(message: string, ...rest: unknown[]): void;
  /** Something worth attention that did not fail the call (a retry, a fallback). */
  warn(message: string, ...rest: unknown[]): void;
  /** A milestone (a request sent, a job done). */
  info(message: string, ...rest: unknown[]): void;
  /** Details for debugging. */
  debug(message: string, ...rest: unknown[]): void;
}

export const LOG_LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/** A logger that drops lines below `level` and scrubs the key and base64 payloads from the rest. */
export interface SdkLogger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** Whether `debug` lines are printed, so callers can skip building them. */
  readonly debugEnabled: boolean;
}

export function createLogger(level: LogLevel, sink: Logger, secret: string | undefined): SdkLogger {
  const rank = LOG_LEVELS.indexOf(level);
  const line =
    (at: Exclude<LogLevel, 'off'>) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(at) <= rank) sink[at](`[segmind] ${redact(message, secret, 2_000)}`);
    };
  return {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    debugEnabled: rank >= LOG_LEVELS.indexOf('debug'),
  };
}
