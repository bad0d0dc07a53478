// Writes a brotli copy (name.br) beside each text file of dist, which the
// router's SPA handler (runtime/spa) sends to browsers that accept br:
// about 13% fewer bytes than gzip on the entry script, the first thing a
// slow phone waits for. Files the first page load needs get the slow,
// best setting; the large lazy ones (Mermaid's) a fast one, to keep the
// build short.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const TEXT = /\.(html|js|mjs|css|json|svg|txt|webmanifest)$/;
const BEST_UNDER = 300 * 1024;

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (TEXT.test(e.name)) yield p;
  }
}

let raw = 0;
let br = 0;
let count = 0;
for (const file of files(dist)) {
  if (relative(dist, file) === 'stats.html') continue; // the bundle analysis, never served
  const body = readFileSync(file);
  if (body.length < 1024) continue; // a header's worth: not worth a second file
  const out = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: body.length < BEST_UNDER ? 11 : 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: statSync(file).size,
    },
  });
  if (out.length >= body.length) continue;
  writeFileSync(`${file}.br`, out);
  raw += body.length;
  br += out.length;
  count++;
}
console.log(`brotli: ${count} files, ${(raw / 1024).toFixed(0)} KB → ${(br / 1024).toFixed(0)} KB`);
