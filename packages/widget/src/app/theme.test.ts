import { describe, expect, test } from 'vitest'
import { DEFAULT_COLOR, themeFor } from './theme'

const anyColor = () => true

describe('themeFor', () => {
  test('dark brand colours get white text and light ones dark text', () => {
    expect(themeFor('#0b3d91', anyColor)).toMatchObject({ color: '#0b3d91', onColor: '#ffffff' })
    expect(themeFor('#ffd400', anyColor).onColor).toBe('#111827')
    expect(themeFor('#fff', anyColor).onColor).toBe('#111827')
  })

  test('a missing or invalid colour falls back to the Kefu default', () => {
    expect(themeFor(null, anyColor).color).toBe(DEFAULT_COLOR)
    expect(themeFor('red; background: url(x)', () => false).color).toBe(DEFAULT_COLOR)
  })
})
