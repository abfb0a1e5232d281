import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { EmailIngest, IngestResult, IngestTarget } from './email.ingest.js'

// `kefu import mail`: a team moving to Kefu brings its history, an mbox file or a folder of .eml
// files, through the same ingest as live mail (dedupe and threading included).

/** Reads the messages of an mbox file one at a time, without loading the file whole. */
export async function* readMbox(path: string): AsyncGenerator<Buffer> {
  // latin1 maps every byte to one character and back, so 8-bit (GBK, Big5…) bodies survive the
  // line splitting untouched; the MIME parser decodes them later.
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'latin1' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  })
  let current: string[] | null = null
  let previousBlank = true
  for await (const line of lines) {
    // A message starts at a "From " line at the start of the file or after a blank line.
    if (line.startsWith('From ') && previousBlank) {
      if (current) yield toMessage(current)
      current = []
    } else if (current) {
      // mboxrd escaping: ">From " (and ">>From ") in bodies lose one ">".
      current.push(/^>+From /.test(line) ? line.slice(1) : line)
    }
    previousBlank = line === ''
  }
  if (current) yield toMessage(current)
}

function toMessage(lines: string[]): Buffer {
  while (lines.length && lines.at(-1) === '') lines.pop()
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1')
}

/** A folder of .eml files (sorted by name), or an mbox file. */
export async function* readMailSource(path: string): AsyncGenerator<{ name: string; raw: Buffer }> {
  const info = await stat(path)
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.eml')).sort()
    for (const name of names) yield { name, raw: await readFile(join(path, name)) }
    return
  }
  let n = 0
  for await (const raw of readMbox(path)) yield { name: `${path}#${++n}`, raw }
}

export async function importMail(input: {
  ingest: EmailIngest
  target: IngestTarget
  path: string
  onResult: (result: IngestResult & { source: string }) => void
}): Promise<{ imported: number; duplicate: number; quarantined: number; skipped: number }> {
  const counts = { imported: 0, duplicate: 0, quarantined: 0, skipped: 0 }
  for await (const { name, raw } of readMailSource(input.path)) {
    const result = await input.ingest.ingest({ ...input.target, importing: true }, raw)
    if (result.status === 'imported') counts.imported++
    else if (result.status === 'duplicate') counts.duplicate++
    else if (result.status === 'quarantined') counts.quarantined++
    else counts.skipped++
    input.onResult({ ...result, source: name })
  }
  return counts
}
