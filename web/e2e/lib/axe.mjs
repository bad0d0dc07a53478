// Runs axe-core (injected from node_modules) on the current page and fails
// on any serious or critical violation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function checkA11y(page, label) {
  // Evaluated through DevTools, not a <script> tag: the page's CSP must not
  // be loosened for the audit, and it would block an inline tag.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(`${axeSource};0`);
  const results = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`),
    }));
  });
  const blocking = results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = results.filter((v) => !blocking.includes(v));
  if (minor.length)
    console.log(`  axe (${label}): ${minor.length} minor/moderate: ${minor.map((v) => v.id).join(', ')}`);
  assert.deepEqual(
    blocking,
    [],
    `axe found serious/critical violations on ${label}:\n${JSON.stringify(blocking, null, 2)}`,
  );
  return results;
}
