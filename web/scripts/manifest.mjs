// Reads Vite's build manifest and names the files the first page load needs:
// the entry chunk and everything it imports statically (not dynamic imports).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readManifest(dist) {
  return JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
}

export function initialFiles(manifest) {
  const entries = Object.keys(manifest).filter((k) => manifest[k].isEntry);
  if (entries.length === 0) throw new Error('no entry chunk in the Vite manifest');
  const js = new Set();
  const css = new Set();
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) return;
    if (chunk.file.endsWith('.js')) js.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const imp of chunk.imports ?? []) visit(imp);
  };
  entries.forEach(visit);
  // With cssCodeSplit off (vite.config.ts), the one stylesheet is its own
  // manifest entry, linked from index.html rather than from a chunk.
  if (manifest['style.css']) css.add(manifest['style.css'].file);
  return { js: [...js], css: [...css] };
}
