// Writes dist/sw.js from sw/sw.js with this build's precache list (the
// shell and the initial chunks) and a build id, so each deploy installs a
// fresh worker that drops the old shell.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialFiles, readManifest } from './manifest.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const { js, css } = initialFiles(readManifest(dist));
const precache = ['/', '/favicon.svg', ...js.map((f) => `/${f}`), ...css.map((f) => `/${f}`)];
const id = createHash('sha256')
  .update(readFileSync(join(dist, 'index.html')))
  .update(precache.join())
  .digest('hex')
  .slice(0, 12);
const sw = readFileSync(join(root, 'sw', 'sw.js'), 'utf8')
  .replace("'__BUILD_ID__'", JSON.stringify(id))
  .replace('__PRECACHE__', JSON.stringify(precache));
writeFileSync(join(dist, 'sw.js'), sw);
console.log(`service worker: dist/sw.js (build ${id}, ${precache.length} files precached)`);
