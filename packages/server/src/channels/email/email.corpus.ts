/**
 * The fixture corpus: real clients' formats, each `X.eml` with an `X.expected.json` beside it
 * saying what a person would call its new text (and whatever else the case is about). Run by
 * the tests, which require every case to pass, and by the benchmark, which prints the rate.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EmailParseError, type ParsedEmail, parseEmail } from './email.parse.js'

export interface CorpusFailure {
  file: string
  field: string
  expected?: unknown
  actual?: unknown
}

export interface CorpusResult {
  total: number
  passed: number
  failures: CorpusFailure[]
}

/** Fields an expectation may name; `newText` is required unless `error` is given. */
export interface CorpusExpectation {
  newText?: string
  error?: string
  subject?: string | null
  from?: { name: string; address: string } | null
  to?: { name: string; address: string }[]
  cc?: { name: string; address: string }[]
  date?: string
  dateFromHeader?: boolean
  messageId?: string | null
  inReplyTo?: string | null
  references?: string[]
  isAutomatic?: boolean
  automaticReason?: string | null
  deliveryReport?: Partial<NonNullable<ParsedEmail['deliveryReport']>> | null
  attachments?: Partial<Omit<ParsedEmail['attachments'][number], 'content'>>[]
  /** substrings the whole text must contain (charset cases) */
  textIncludes?: string[]
  hasHtml?: boolean
}

/** Arrival time given to every corpus message, so that date fallbacks are reproducible. */
export const CORPUS_RECEIVED_AT = new Date('2025-12-01T08:00:00.000Z')

/** The fixtures folder; from a build, the one in src/ beside the compiled file's twin. */
export function corpusDir(): string {
  const here = fileURLToPath(new URL('./fixtures/', import.meta.url))
  if (existsSync(here)) return here
  return here.replace(/([\\/])dist([\\/])/, '$1src$2')
}

export function listCorpus(dir = corpusDir()): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
}

/** Trimmed, line ends normalized, runs of blank lines collapsed into one. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function same(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((item, i) => same(item, actual[i]))
    )
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return false
    // an expectation names only the fields it is about
    return Object.entries(expected).every(([key, value]) =>
      same(value, (actual as Record<string, unknown>)[key]),
    )
  }
  return false
}

/** Checks one fixture; returns the fields that differ from the expectation. */
export async function checkFixture(file: string, dir = corpusDir()): Promise<CorpusFailure[]> {
  const expected = JSON.parse(
    readFileSync(join(dir, file.replace(/\.eml$/, '.expected.json')), 'utf8'),
  ) as CorpusExpectation
  const raw = readFileSync(join(dir, file))
  let parsed: ParsedEmail
  try {
    parsed = await parseEmail(raw, { receivedAt: CORPUS_RECEIVED_AT })
  } catch (err) {
    const reason = err instanceof EmailParseError ? err.reason : 'crash'
    if (expected.error === reason) return []
    return [{ file, field: 'error', expected: expected.error ?? null, actual: reason }]
  }
  if (expected.error) return [{ file, field: 'error', expected: expected.error, actual: null }]

  const failures: CorpusFailure[] = []
  const check = (field: string, want: unknown, got: unknown) => {
    if (!same(want, got)) failures.push({ file, field, expected: want, actual: got })
  }
  if (expected.newText === undefined) failures.push({ file, field: 'newText', expected: null })
  else check('newText', normalizeText(expected.newText), normalizeText(parsed.newText))
  const plain: (keyof CorpusExpectation & keyof ParsedEmail)[] = [
    'subject',
    'from',
    'to',
    'cc',
    'date',
    'dateFromHeader',
    'messageId',
    'inReplyTo',
    'references',
    'isAutomatic',
    'automaticReason',
    'deliveryReport',
  ]
  for (const field of plain) {
    if (expected[field] !== undefined) check(field, expected[field], parsed[field])
  }
  if (expected.attachments) {
    check(
      'attachments',
      expected.attachments,
      parsed.attachments.map(({ content: _content, ...rest }) => rest),
    )
  }
  for (const needle of expected.textIncludes ?? []) {
    if (!parsed.text.includes(needle)) {
      failures.push({ file, field: 'text', expected: needle, actual: parsed.text.slice(0, 200) })
    }
  }
  if (expected.hasHtml !== undefined) check('hasHtml', expected.hasHtml, parsed.html !== null)
  return failures
}

/** Runs every fixture; `passed` counts the fixtures whose every checked field matched. */
export async function runCorpus(options: { dir?: string } = {}): Promise<CorpusResult> {
  const dir = options.dir ?? corpusDir()
  const files = listCorpus(dir)
  const failures: CorpusFailure[] = []
  let passed = 0
  for (const file of files) {
    const found = await checkFixture(file, dir)
    if (found.length === 0) passed++
    failures.push(...found)
  }
  return { total: files.length, passed, failures }
}
