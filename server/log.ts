/**
 * Structured logs (pino). Never log case content: no titles, no item text, no names, no tokens.
 * Case ids are logged only as a short one-way hash (`caseRef`), so logs cannot be joined to a
 * case by someone holding only the logs, while the operator can still correlate lines.
 */
import { createHash } from 'node:crypto'
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'keukentafel' },
    redact: { paths: ['token', 'key', 'title', 'text', '*.token', '*.key', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  })
}

export function caseRef(caseId: string): string {
  return createHash('sha256').update(`kt-case:${caseId}`).digest('hex').slice(0, 12)
}
