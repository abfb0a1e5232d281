// The inbox colour drives the header and the visitor's bubbles; text on it must stay readable.

export const DEFAULT_COLOR = '#1f6feb'

export interface Theme {
  color: string
  /** Text colour on top of `color`. */
  onColor: string
  /** A faint tint of `onColor` for surfaces and hovers on top of `color`. */
  onColorSoft: string
}

export function themeFor(color: string | null | undefined, isValid: (c: string) => boolean): Theme {
  const candidate = color?.trim() ?? ''
  const chosen = candidate && isValid(candidate) ? candidate : DEFAULT_COLOR
  const rgb = parseHex(chosen)
  // Unknown formats (named colours, rgb()) keep white text, the common case for brand colours.
  const light = rgb !== undefined && luminance(rgb) > 0.45
  return {
    color: chosen,
    onColor: light ? '#111827' : '#ffffff',
    onColorSoft: light ? 'rgb(17 24 39 / 0.1)' : 'rgb(255 255 255 / 0.2)',
  }
}

function parseHex(color: string): [number, number, number] | undefined {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)
  if (!match?.[1]) return undefined
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1]
  const value = Number.parseInt(hex, 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

/** Relative luminance (WCAG 2.x), 0 for black to 1 for white. */
function luminance(rgb: [number, number, number]): number {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** What the browser takes as a CSS colour; nothing else reaches a style from the server. */
export function isCssColor(color: unknown): color is string {
  return typeof color === 'string' && typeof CSS !== 'undefined' && CSS.supports('color', color)
}
