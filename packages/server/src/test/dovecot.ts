import { spawn } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ImapFlow } from 'imapflow'

// A real IMAP server for tests: Debian's Dovecot, run from a throw-away configuration on a free
// loopback port, with maildirs owned by `nobody` (Dovecot refuses uid 0 for mail access).

const DOVECOT = process.env.DOVECOT_PATH ?? '/usr/sbin/dovecot'
const NOBODY = 65534

export interface ImapUser {
  user: string
  password: string
}

export interface TestImapServer {
  host: string
  port: number
  /** Puts a message into a user's mailbox as a mail server's delivery would (IMAP APPEND). */
  deliver(
    user: ImapUser,
    raw: Buffer | string,
    options?: { folder?: string; arrived?: Date },
  ): Promise<void>
  stop(): Promise<void>
}

export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT)
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function startDovecot(users: ImapUser[]): Promise<TestImapServer> {
  if (!dovecotAvailable()) {
    throw new Error(`Dovecot not found at ${DOVECOT}: apt-get install dovecot-imapd`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'kefu-dovecot-'))
  // Dovecot's auth process runs as its own user and must reach the passwd file.
  chmodSync(dir, 0o755)
  const port = await freePort()
  const mail = join(dir, 'mail')
  mkdirSync(mail)
  chownSync(mail, NOBODY, NOBODY)
  writeFileSync(
    join(dir, 'passwd'),
    users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''),
  )
  const config = join(dir, 'dovecot.conf')
  writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 100
first_valid_gid = 100
mail_location = maildir:${mail}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${NOBODY} gid=${NOBODY} home=${mail}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${port}
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  )
  // Dovecot daemonizes; with stdio ignored its parent's exit is the signal it forked.
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(DOVECOT, ['-c', config], { stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`dovecot exited with ${code}; see ${dir}/dovecot.log`)
  const server: TestImapServer = {
    host: '127.0.0.1',
    port,
    async deliver(user, raw, options = {}) {
      const client = new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        auth: { user: user.user, pass: user.password },
        logger: false,
      })
      await client.connect()
      try {
        await client.append(
          options.folder ?? 'INBOX',
          typeof raw === 'string' ? Buffer.from(raw) : raw,
          [],
          options.arrived,
        )
      } finally {
        await client.logout()
      }
    },
    async stop() {
      const pidFile = join(dir, 'run', 'master.pid')
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim())
        try {
          process.kill(pid, 'SIGTERM')
        } catch {
          // already gone
        }
        for (let i = 0; i < 50 && existsSync(pidFile); i++)
          await new Promise((r) => setTimeout(r, 50))
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  // Wait until it accepts logins.
  for (let i = 0; ; i++) {
    try {
      const probe = new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        auth: { user: users[0]!.user, pass: users[0]!.password },
        logger: false,
      })
      await probe.connect()
      await probe.logout()
      break
    } catch (err) {
      if (i > 50) {
        const log = existsSync(join(dir, 'dovecot.log'))
          ? readFileSync(join(dir, 'dovecot.log'), 'utf8')
          : ''
        throw new Error(`Dovecot did not come up: ${String(err)}\n${log}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return server
}
