import type { Context } from 'hono'
import { z } from 'zod'
import { AppError } from './errors.js'

/** Reads a JSON body and validates it; unknown fields are refused so typos never pass silently. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown
  try {
    raw = await c.req.json()
  } catch {
    throw new AppError('request.malformed_json', 'The request body is not valid JSON.')
  }
  return parse(schema, raw)
}

/** Like readJson, for requests whose body may be left out entirely. */
export async function readOptionalJson<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.infer<T> | undefined> {
  const text = await c.req.text()
  if (!text.trim()) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new AppError('request.malformed_json', 'The request body is not valid JSON.')
  }
  return parse(schema, raw)
}

export function parse<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw)
  if (!result.success) {
    throw new AppError('request.invalid', describeIssues(result.error), {
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  return result.data
}

function describeIssues(error: z.ZodError): string {
  const first = error.issues[0]
  if (!first) return 'The request is invalid.'
  const where = first.path.length ? `${first.path.join('.')}: ` : ''
  return `${where}${first.message}`
}

export const MAX_MESSAGE_LENGTH = 10_000

export const messageText = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((s) => s.trim().length > 0, 'must not be empty')

export const clientId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
