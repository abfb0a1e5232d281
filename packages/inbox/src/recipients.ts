// Email recipients as typed by an agent: "a@x.com, B <b@y.cn>; c@z.com". Parsing is lenient about
// separators (full-width ones too, as Chinese IMEs type them) and strict about addresses: the rule
// is the one the server checks, so what passes here is never refused there.

/** The most addresses one field may hold (the server's limit). */
export const MAX_RECIPIENTS = 50

// Same shape as the server's check (zod's email rule): dotted local part, a domain with a TLD.
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value)
}

export interface ParsedRecipients {
  /** Valid addresses, in the order typed, each once (case-insensitively). */
  addresses: string[]
  /** What could not be read as an address, as typed. */
  invalid: string[]
  /** More than MAX_RECIPIENTS addresses. */
  tooMany: boolean
}

/** Splits on commas, semicolons (half- or full-width) and line breaks; "Name <addr>" keeps addr. */
export function parseRecipients(input: string): ParsedRecipients {
  const addresses: string[] = []
  const invalid: string[] = []
  const seen = new Set<string>()
  for (const raw of input.split(/[,;，；、\n\r]+/)) {
    const part = raw.trim()
    if (part === '') continue
    const angle = /<([^<>]*)>\s*$/.exec(part)
    const candidate = (angle ? (angle[1] ?? '') : part).trim().replace(/^mailto:/i, '')
    if (!isEmailAddress(candidate)) {
      invalid.push(part)
      continue
    }
    const key = candidate.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    addresses.push(candidate)
  }
  return { addresses, invalid, tooMany: addresses.length > MAX_RECIPIENTS }
}

/** A field is fine when everything in it is an address; `required` also wants at least one. */
export function recipientsValid(parsed: ParsedRecipients, required: boolean): boolean {
  return (
    parsed.invalid.length === 0 && !parsed.tooMany && (!required || parsed.addresses.length > 0)
  )
}

export interface EmailRecipients {
  to: string[]
  cc: string[]
  bcc: string[]
}

/**
 * The three fields of an email reply, checked together: To must name someone, and an address
 * given twice goes only to the first field that names it (To, then Cc, then Bcc).
 */
export function readRecipients(fields: {
  to: string
  cc: string
  bcc: string
}): { ok: true; recipients: EmailRecipients } | { ok: false; field: 'to' | 'cc' | 'bcc' } {
  const to = parseRecipients(fields.to)
  if (!recipientsValid(to, true)) return { ok: false, field: 'to' }
  const cc = parseRecipients(fields.cc)
  if (!recipientsValid(cc, false)) return { ok: false, field: 'cc' }
  const bcc = parseRecipients(fields.bcc)
  if (!recipientsValid(bcc, false)) return { ok: false, field: 'bcc' }
  const taken = new Set(to.addresses.map((a) => a.toLowerCase()))
  const keep = (list: string[]) =>
    list.filter((a) => {
      const key = a.toLowerCase()
      if (taken.has(key)) return false
      taken.add(key)
      return true
    })
  const ccKept = keep(cc.addresses)
  return { ok: true, recipients: { to: to.addresses, cc: ccKept, bcc: keep(bcc.addresses) } }
}
