import type { Plugin } from 'vite'

/**
 * Fails the build when the emitted JavaScript and CSS, gzipped, outgrow their budget: the
 * widget loads on customers' pages, so its weight is part of the product.
 */
export function sizeBudget(label: string, maxBytes: number): Plugin {
  return {
    name: 'kefu-size-budget',
    apply: 'build',
    async writeBundle(_options, bundle) {
      let total = 0
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css)$/.test(file.fileName)) continue
        total += await gzipSize(file.type === 'chunk' ? file.code : file.source)
      }
      const summary = `${label}: ${(total / 1024).toFixed(2)} KiB gzipped (budget ${maxBytes / 1024} KiB)`
      if (total > maxBytes) this.error(`${summary}, over budget`)
      console.log(summary)
    },
  }
}

async function gzipSize(source: string | Uint8Array): Promise<number> {
  const bytes =
    typeof source === 'string' ? new TextEncoder().encode(source) : new Uint8Array(source)
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))
  return (await new Response(stream).arrayBuffer()).byteLength
}
