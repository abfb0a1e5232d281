// Errors are values with codes. The HTTP status follows from the code's kind, so a route never
// picks a status by hand and a client can rely on `error.code` alone.

const statusByKind: Record<string, number> = {
  invalid: 400,
  malformed_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  bad_origin: 403,
  origin_forbidden: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  client_id_conflict: 409,
  email_conflict: 409,
  not_resolved: 409,
  too_large: 413,
  type_not_allowed: 415,
  link_expired: 403,
  rate_limited: 429,
}

export class AppError extends Error {
  readonly code: string
  readonly status: number
  readonly details: unknown

  constructor(code: string, message: string, details?: unknown) {
    super(message)
    this.code = code
    this.details = details
    const kind = code.slice(code.lastIndexOf('.') + 1)
    this.status = statusByKind[kind] ?? 400
  }
}

export const notFound = (what: string) => new AppError(`${what}.not_found`, `No such ${what}.`)
export const forbidden = (message = 'You are not allowed to do that.') =>
  new AppError('auth.forbidden', message)
export const unauthenticated = () => new AppError('auth.unauthenticated', 'Sign in to continue.')
