import { describe, expect, test } from 'vitest'
import { checkFixture, listCorpus, runCorpus } from './email.corpus.js'

const files = listCorpus()

describe('fixture corpus', () => {
  test('has at least 45 messages, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(45)
  })

  test.each(files)('%s parses as a person would read it', async (file) => {
    expect(await checkFixture(file)).toEqual([])
  })

  test('runCorpus reports every fixture passing', async () => {
    const result = await runCorpus()
    expect(result.failures).toEqual([])
    expect(result).toMatchObject({ total: files.length, passed: files.length })
  })
})
