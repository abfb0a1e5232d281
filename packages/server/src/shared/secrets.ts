import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'

// Credentials Kefu must use later (mailbox passwords) are encrypted at rest with AES-256-GCM under
// a key derived from KEFU_SECRET; tokens Kefu hands out are HMAC-signed with another derived key.
// Each purpose gets its own key (HKDF "info"), so one can never be used as the other.

const VERSION = 'v1'

function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'kefu', purpose, 32))
}

export interface SecretBox {
  encrypt(plain: string): string
  decrypt(sealed: string): string
}

export function createSecretBox(secret: string, purpose: string): SecretBox {
  const key = deriveKey(secret, `encrypt:${purpose}`)
  return {
    encrypt(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return [
        VERSION,
        iv.toString('base64url'),
        body.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
      ].join('.')
    },
    decrypt(sealed) {
      const [version, iv, body, tag] = sealed.split('.')
      if (version !== VERSION || !iv || !body || !tag) throw new Error('not a sealed secret')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8')
    },
  }
}

export interface Signer {
  /** A short URL- and email-safe signature of `value`. */
  sign(value: string): string
  verify(value: string, signature: string): boolean
}

export function createSigner(secret: string, purpose: string, bytes = 10): Signer {
  const key = deriveKey(secret, `sign:${purpose}`)
  const mac = (value: string) => createHmac('sha256', key).update(value).digest().subarray(0, bytes)
  return {
    sign: (value) => base32(mac(value)),
    verify(value, signature) {
      const expected = Buffer.from(base32(mac(value)))
      const actual = Buffer.from(signature.toLowerCase())
      return expected.length === actual.length && timingSafeEqual(expected, actual)
    },
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** Lower-case base32 (RFC 4648 alphabet): survives mail systems that change the case of addresses. */
export function base32(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}
