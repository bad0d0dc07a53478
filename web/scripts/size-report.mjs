// Prints the gzip size of the JavaScript the first page load needs (entry
// chunk + its static imports, from the Vite manifest) and fails the build
// when it exceeds the budget. Lazy routes and renderers are not counted:
// keeping them out of this number is the point.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { initialFiles, readManifest } from './manifest.mjs';

const BUDGET_KB = Number(process.env.INITIAL_JS_BUDGET_KB ?? 150);
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const manifest = readManifest(dist);
const { js, css } = initialFiles(manifest);

const gz = (file) => {
  const raw = readFileSync(join(dist, file));
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

let total = 0;
const rows = js.map((file) => {
  const s = gz(file);
  total += s.gzip;
  return { file, ...s };
});
const cssRows = css.map((file) => ({ file, ...gz(file) }));

const allJs = Object.values(manifest)
  .map((c) => c.file)
  .filter((f, i, a) => f.endsWith('.js') && a.indexOf(f) === i);
let lazyTotal = 0;
for (const f of allJs) if (!js.includes(f)) lazyTotal += gz(f).gzip;

console.log('\nInitial JavaScript (entry + static imports):');
for (const r of rows)
  console.log(`  ${r.file.padEnd(48)} ${kb(r.raw).padStart(10)} raw ${kb(r.gzip).padStart(10)} gzip`);
for (const r of cssRows)
  console.log(`  ${r.file.padEnd(48)} ${kb(r.raw).padStart(10)} raw ${kb(r.gzip).padStart(10)} gzip (css)`);
console.log(`Initial JS total: ${kb(total)} gzip (budget ${BUDGET_KB} KB)`);
console.log(
  `Lazy JS (routes, renderers; not in the initial load): ${kb(lazyTotal)} gzip in ${allJs.length - js.length} chunks`,
);
console.log('Bundle analysis: dist/stats.html');

writeFileSync(
  join(dist, 'size-report.json'),
  JSON.stringify(
    { initial_js_gzip_bytes: total, budget_kb: BUDGET_KB, files: rows, css: cssRows, lazy_js_gzip_bytes: lazyTotal },
    null,
    2,
  ),
);

if (total > BUDGET_KB * 1024) {
  console.error(`FAIL: initial JavaScript ${kb(total)} gzip exceeds the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
