import type { Context } from 'hono'
import { contentDisposition, INLINE_IMAGE_TYPES, sniffFile } from './files.sniff.js'

// Every stored file (a chat file by its signed URL, an email attachment for an agent) leaves the
// server through here, with the same headers: never rendered as a page, never sniffed into one.

/** Set first, so even an error answer on a file URL carries them. */
export function setSafeFileHeaders(c: Context): void {
  c.header('x-content-type-options', 'nosniff')
  c.header('content-security-policy', "default-src 'none'; sandbox")
  c.header('cross-origin-resource-policy', 'same-origin')
}

/**
 * Answers with a stored file: inline only for a raster image whose bytes say so (a claimed type,
 * an email's above all, is not trusted), otherwise a download of opaque bytes. The name goes in
 * Content-Disposition per RFC 6266 with an RFC 5987 UTF-8 form.
 */
export async function serveFile(
  c: Context,
  file: {
    filename: string
    contentType: string
    bytes: Uint8Array
    /** `private, no-store` unless the caller knows better (signed URLs cache until they expire). */
    cacheControl?: string
    /** Always a download, even for an image (an agent's explicit "download"). */
    download?: boolean
  },
): Promise<Response> {
  setSafeFileHeaders(c)
  const sniffed =
    !file.download && INLINE_IMAGE_TYPES.has(file.contentType.toLowerCase())
      ? await sniffFile(file.bytes.subarray(0, 4100), file.filename)
      : null
  const inline = sniffed !== null && INLINE_IMAGE_TYPES.has(sniffed.mime)
  c.header('content-type', inline && sniffed ? sniffed.mime : 'application/octet-stream')
  c.header(
    'content-disposition',
    contentDisposition(inline ? 'inline' : 'attachment', file.filename),
  )
  c.header('cache-control', file.cacheControl ?? 'private, no-store')
  return c.body(new Uint8Array(file.bytes))
}
