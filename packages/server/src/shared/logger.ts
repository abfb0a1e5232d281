import { type Logger as PinoLogger, pino } from 'pino'

export type Logger = PinoLogger

export function createLogger(options: { level?: string } = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { app: 'kefu' },
    // Secrets must never reach the log, even when someone logs a whole request or config.
    redact: {
      paths: [
        'password',
        '*.password',
        'secret',
        '*.secret',
        'token',
        '*.token',
        'visitorToken',
        '*.visitorToken',
        'headers.cookie',
        'headers.authorization',
        'config.secret',
      ],
      censor: '[redacted]',
    },
  })
}
