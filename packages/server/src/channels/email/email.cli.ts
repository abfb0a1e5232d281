/**
 * `kefu email …` subcommands. Imported on demand by cli.ts, so it loads no database or server
 * code: only the email parser and node built-ins, which keeps `kefu email parse` well under a
 * second.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { EmailParseError, type ParsedEmail, parseEmail } from './email.parse.js'

const USAGE = 'Usage: kefu email parse FILE.eml [--json]\n'

/** The stable JSON shape of `kefu email parse --json`. */
export function toCliJson(email: ParsedEmail) {
  return {
    subject: email.subject,
    from: email.from ? { name: email.from.name, address: email.from.address } : null,
    to: email.to.map(({ name, address }) => ({ name, address })),
    cc: email.cc.map(({ name, address }) => ({ name, address })),
    date: email.date,
    messageId: email.messageId,
    inReplyTo: email.inReplyTo,
    references: email.references,
    text: email.text,
    newText: email.newText,
    quotedText: email.quotedText,
    html: email.html,
    attachments: email.attachments.map(({ filename, contentType, size, inline }) => ({
      filename,
      contentType,
      size,
      inline,
    })),
    isAutomatic: email.isAutomatic,
  }
}

function formatAddress(address: { name: string; address: string }): string {
  return address.name ? `${address.name} <${address.address}>` : address.address
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

function summary(email: ParsedEmail): string {
  const lines = [
    `From:        ${email.from ? formatAddress(email.from) : '(none)'}`,
    `To:          ${email.to.map(formatAddress).join(', ') || '(none)'}`,
  ]
  if (email.cc.length > 0) lines.push(`Cc:          ${email.cc.map(formatAddress).join(', ')}`)
  lines.push(
    `Subject:     ${email.subject ?? '(none)'}`,
    `Date:        ${email.date}${email.dateFromHeader ? '' : ' (arrival time: no readable Date)'}`,
    `Message-ID:  ${email.messageId ?? '(none)'}`,
  )
  if (email.inReplyTo) lines.push(`In-Reply-To: ${email.inReplyTo}`)
  if (email.references.length > 0) lines.push(`References:  ${email.references.length}`)
  lines.push(
    `Automatic:   ${email.isAutomatic ? `yes (${email.automaticReason})` : 'no'}`,
    `Body:        ${email.html === null ? 'text' : 'html'}`,
  )
  if (email.attachments.length > 0) {
    lines.push(`Attachments: ${email.attachments.length}`)
    for (const a of email.attachments) {
      const inline = a.inline ? ', inline' : ''
      lines.push(`  - ${a.filename} (${a.contentType}, ${formatSize(a.size)}${inline})`)
    }
  }
  lines.push('', 'New text:', ...email.newText.split('\n').map((line) => `  ${line}`))
  if (email.quotedText) {
    lines.push('', `Quoted / signature: ${email.quotedText.split('\n').length} lines removed`)
  }
  return `${lines.join('\n')}\n`
}

async function parseCommand(args: string[]): Promise<number> {
  let json: boolean
  let file: string | undefined
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    })
    json = values.json === true
    file = positionals[0]
    if (positionals.length > 1) throw new Error('one file at a time')
  } catch (err) {
    process.stderr.write(`kefu email parse: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (!file) {
    process.stderr.write(USAGE)
    return 2
  }

  let raw: Buffer
  try {
    raw = await readFile(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : (err as Error).message
    process.stderr.write(`kefu email parse: cannot read ${file}: ${reason}\n`)
    return 2
  }

  let email: ParsedEmail
  try {
    email = await parseEmail(raw)
  } catch (err) {
    const reason = err instanceof EmailParseError ? err.reason : 'unparseable'
    const message = err instanceof Error ? err.message : String(err)
    if (json) {
      process.stdout.write(`${JSON.stringify({ error: { code: `email.${reason}`, message } })}\n`)
    } else {
      process.stderr.write(`kefu email parse: ${file} refused (email.${reason}): ${message}\n`)
    }
    return 1
  }
  process.stdout.write(json ? `${JSON.stringify(toCliJson(email), null, 2)}\n` : summary(email))
  return 0
}

export async function runEmailCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args
  if (subcommand === 'parse') return parseCommand(rest)
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    process.stdout.write(USAGE)
    return subcommand === undefined ? 2 : 0
  }
  process.stderr.write(`kefu email: unknown subcommand "${subcommand}"\n${USAGE}`)
  return 2
}
