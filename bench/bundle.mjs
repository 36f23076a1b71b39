// Workers built once by `wrangler deploy --dry-run`: the bench serves these files, and wrangler's gzip figure is the bundle size.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { wrangler } from '../scripts/processes.mjs'

/** "node_modules/@scope/name/…" → "@scope/name"; a repository file → its top folder ("src"). */
function packageOf(input) {
  const at = input.lastIndexOf('node_modules/')
  const rest = at >= 0 ? input.slice(at + 'node_modules/'.length) : input
  return rest
    .split('/')
    .slice(0, at >= 0 && rest.startsWith('@') ? 2 : 1)
    .join('/')
}

/**
 * Bundles `script` (default: the config's main) into `outdir`. Returns the JavaScript entry, its size raw and
 * gzipped (as wrangler reports it for upload; zlib's if wrangler's line is missing), the five largest inputs, and
 * what the domain lists weigh gzipped.
 */
export async function build({ config, script, outdir, minify = false }) {
  const metafile = join(outdir, 'meta.json')
  const output = await wrangler([
    'deploy',
    '--dry-run',
    ...(script ? [script] : []),
    '-c',
    config,
    '--outdir',
    outdir,
    '--metafile',
    metafile,
    ...(minify ? ['--minify'] : []),
  ])
  const files = (await readdir(outdir)).filter((f) => /\.m?js$/.test(f))
  if (files.length !== 1)
    throw new Error(`expected one JavaScript file in ${outdir}, found ${files.join(', ')}`)
  const code = await readFile(join(outdir, files[0]))
  const meta = JSON.parse(await readFile(metafile, 'utf8'))
  const byPackage = {}
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs ?? {}))
      byPackage[packageOf(input)] = (byPackage[packageOf(input)] ?? 0) + bytesInOutput
  }
  const largest = Object.entries(byPackage)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
  const reported = /gzip: ([\d.]+) KiB/.exec(output)
  const gzipBytes = reported ? Math.round(Number(reported[1]) * 1024) : gzipSync(code).length
  return {
    entry: join(outdir, files[0]),
    rawBytes: code.length,
    gzipBytes,
    largest,
    domainListsGzipBytes: await domainListsGzip(meta),
  }
}

/** The maintained free-mail and disposable-domain lists as bundled: their input files, gzipped together. */
async function domainListsGzip(meta) {
  const lists = new Set(['disposable-email-domains', 'email-providers'])
  const inputs = Object.keys(meta.inputs ?? {}).filter((input) => lists.has(packageOf(input)))
  const bytes = await Promise.all(inputs.map((input) => readFile(input)))
  return inputs.length ? gzipSync(Buffer.concat(bytes)).length : 0
}
