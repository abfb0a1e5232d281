import type { AttachmentDTO, FileKind, Id, UploadDTO } from '@kefu/protocol'
import { useRef, useState } from 'preact/hooks'
import { ApiError, api } from '../api'
import { FILE_KINDS, type FileForm, toggleKind, uploadErrorKey } from '../files'
import { fileSize } from '../format'
import { locale, t } from '../i18n'
import { errorText } from '../store'
import { CloseIcon, PaperclipIcon } from './icons'

/** A message's files: pictures as thumbnails that open full size in a new tab, others as links. */
export function MessageFiles(props: { files: readonly AttachmentDTO[] }) {
  const lang = locale.value
  if (props.files.length === 0) return null
  return (
    <div class="message-files">
      {props.files.map((f) =>
        f.image && f.url ? (
          <a
            key={f.id}
            class="message-file-image"
            href={f.url}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="message-file-image"
          >
            <img src={f.url} alt={f.filename} loading="lazy" />
          </a>
        ) : (
          <a
            key={f.id}
            class="message-file"
            href={f.url ?? undefined}
            download={f.filename}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="message-file"
          >
            <PaperclipIcon />
            <span class="message-file-name">{f.filename}</span>
            <span class="muted">{fileSize(f.size, lang)}</span>
          </a>
        ),
      )}
    </div>
  )
}

/** The composer's files: uploaded at once, sent with the next reply or note. */
export function useComposerFiles(conversationId: Id) {
  const [files, setFiles] = useState<UploadDTO[]>([])
  const [uploading, setUploading] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const add = async (picked: File[]) => {
    setError(null)
    for (const file of picked) {
      setUploading(file.name)
      try {
        const upload = await api.uploadAttachment(conversationId, file)
        setFiles((current) => [...current, upload])
      } catch (err) {
        const key = err instanceof ApiError ? uploadErrorKey(err.code) : null
        setError(`${file.name}: ${key ? t(key) : errorText(err)}`)
      }
      setUploading(null)
    }
  }

  return {
    files,
    uploading,
    error,
    add,
    remove: (id: Id) => setFiles((current) => current.filter((f) => f.id !== id)),
    clear: () => {
      setFiles([])
      setError(null)
    },
  }
}

export function ComposerFiles(props: { state: ReturnType<typeof useComposerFiles> }) {
  const { state } = props
  const lang = locale.value
  if (!state.files.length && !state.uploading && !state.error) return null
  return (
    <div class="composer-files">
      {state.files.map((f) => (
        <span key={f.id} class="composer-file" data-testid="composer-file">
          <PaperclipIcon />
          <span class="message-file-name">{f.filename}</span>
          <span class="muted">{fileSize(f.size, lang)}</span>
          <button
            type="button"
            class="link-button"
            aria-label={t('files.remove', { name: f.filename })}
            title={t('files.remove', { name: f.filename })}
            onClick={() => state.remove(f.id)}
          >
            <CloseIcon />
          </button>
        </span>
      ))}
      {state.uploading && (
        <span class="muted" role="status" data-testid="composer-uploading">
          {t('files.uploading', { name: state.uploading })}
        </span>
      )}
      {state.error && (
        <p class="recipient-error" role="alert" data-testid="composer-file-error">
          {state.error}
        </p>
      )}
    </div>
  )
}

/** The paperclip button with its hidden file input. */
export function AttachButton(props: { state: ReturnType<typeof useComposerFiles> }) {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="composer-file-input"
        onChange={(e) => {
          const picked = [...(e.currentTarget.files ?? [])]
          e.currentTarget.value = ''
          void props.state.add(picked)
        }}
      />
      <button
        type="button"
        class="button icon-only composer-attach"
        data-testid="composer-attach"
        aria-label={t('files.attach')}
        title={t('files.attach')}
        disabled={props.state.uploading !== null}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
    </>
  )
}

/** The website inbox's file limits: the largest file and the accepted kinds. */
export function FileSettingsEditor(props: {
  value: FileForm
  invalid: boolean
  onChange: (value: FileForm) => void
}) {
  const { value, onChange } = props
  const kindLabel = (kind: FileKind) => t(`files.kind.${kind}` as const)
  return (
    <section class="card" data-testid="file-settings" aria-labelledby="file-settings-title">
      <div class="card-head">
        <h3 id="file-settings-title">{t('files.settingsTitle')}</h3>
      </div>
      <p class="muted">{t('files.settingsHint')}</p>
      <label class={`field ${props.invalid ? 'invalid' : ''}`}>
        <span>{t('files.maxMb')}</span>
        <input
          type="number"
          class="file-max"
          min={1}
          max={25}
          step="0.5"
          inputMode="decimal"
          data-testid="file-max-mb"
          value={value.maxMb}
          aria-invalid={props.invalid ? true : undefined}
          aria-describedby={props.invalid ? 'file-settings-error' : undefined}
          onInput={(e) => onChange({ ...value, maxMb: e.currentTarget.value })}
        />
      </label>
      <fieldset class="file-kinds">
        <legend>{t('files.kinds')}</legend>
        {FILE_KINDS.map((kind) => (
          <label key={kind} class="checkbox">
            <input
              type="checkbox"
              data-testid={`file-kind-${kind}`}
              checked={value.kinds.includes(kind)}
              onChange={(e) =>
                onChange({
                  ...value,
                  kinds: toggleKind(value.kinds, kind, e.currentTarget.checked),
                })
              }
            />
            {kindLabel(kind)}
          </label>
        ))}
      </fieldset>
      {props.invalid && (
        <p
          class="form-error"
          role="alert"
          id="file-settings-error"
          data-testid="file-settings-error"
        >
          {t('files.invalid')}
        </p>
      )}
    </section>
  )
}
