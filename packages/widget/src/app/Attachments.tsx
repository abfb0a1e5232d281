import type { AttachmentDTO } from '@kefu/protocol'
import { useRef, useState } from 'preact/hooks'
import type { Chat } from './chat'
import { formatSize, problemText, uploadProblem } from './files'
import { Icon } from './Icon'
import type { Strings } from './i18n'

/** A message's files: pictures as thumbnails (full size in a new tab), others as download links. */
export function MessageFiles({ files, title }: { files: AttachmentDTO[]; title?: string }) {
  return (
    <div class="files" title={title}>
      {files.map((file) => (
        <a
          key={file.id}
          class={file.image ? 'file-image' : 'file'}
          href={file.url ?? undefined}
          download={file.image ? undefined : file.filename}
          target="_blank"
          rel="noopener noreferrer"
          data-testid={file.image ? 'file-image' : 'file-link'}
        >
          {file.image && file.url ? (
            <img src={file.url} alt={file.filename} />
          ) : (
            `${file.filename} · ${formatSize(file.size)}`
          )}
        </a>
      ))}
    </div>
  )
}

/** Uploads picked or pasted files one by one and sends each as a message of its own. */
export function useFileSender(chat: Chat, t: Strings) {
  const [uploading, setUploading] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const strings = t.files
  // One upload loop at a time (picked and pasted files alike): state would be a redraw late.
  const running = useRef(false)

  const sendFiles = async (files: File[]) => {
    if (running.current) return
    running.current = true
    setError(null)
    // They go where the visitor was when they chose them, even if another conversation is shown
    // by the time the upload finishes.
    const to = chat.here()
    for (const file of files) {
      const maxBytes = chat.getSnapshot().config?.inbox.files?.maxBytes ?? 10485760
      // Too large is known before uploading; the kind is for the server to judge, from the bytes.
      if (file.size > maxBytes) {
        setError(problemText(strings, 0, maxBytes))
        continue
      }
      setUploading(file.name)
      try {
        const upload = await chat.upload(file)
        // The visitor's own copy previews the picture until the stored one arrives (the chat
        // lets it go then).
        const url = upload.image ? URL.createObjectURL(file) : null
        if (!chat.send('', [{ ...upload, url }], to) && url) URL.revokeObjectURL(url)
      } catch (e) {
        // The server's limit wins: an admin may have changed it since the chat opened.
        const told = (e as { details?: { maxBytes?: number } }).details?.maxBytes
        setError(problemText(strings, uploadProblem(e), told ?? maxBytes))
      }
      setUploading(null)
    }
    running.current = false
  }

  const status =
    uploading || error ? (
      <p
        class={uploading ? 'counter file-note' : 'counter file-note meta failed'}
        role={uploading ? 'status' : 'alert'}
        data-testid={uploading ? 'file-uploading' : 'file-error'}
      >
        {uploading ? `${strings[1]} ${uploading}…` : error}
      </p>
    ) : null

  return { sendFiles, status, busy: uploading !== null, label: strings[0] }
}

/** The paperclip: a real button (keyboard and screen readers) opening a hidden file input. */
export function AttachButton(props: {
  disabled: boolean
  sender: ReturnType<typeof useFileSender>
}) {
  const input = useRef<HTMLInputElement>(null)
  const { sender } = props
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])]
          event.currentTarget.value = ''
          void sender.sendFiles(files)
        }}
      />
      <button
        type="button"
        class="attach"
        data-testid="attach"
        aria-label={sender.label}
        title={sender.label}
        disabled={props.disabled || sender.busy}
        onClick={() => input.current?.click()}
      >
        <Icon d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
      </button>
    </>
  )
}
