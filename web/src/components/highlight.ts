// Loaded on demand: highlight.js core with the languages architecture work
// actually produces, instead of the 190-language default bundle.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import protobuf from 'highlight.js/lib/languages/protobuf';
import plaintext from 'highlight.js/lib/languages/plaintext';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('css', css);
hljs.registerLanguage('dockerfile', dockerfile);
hljs.registerLanguage('go', go);
hljs.registerLanguage('java', java);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('markdown', markdown);
hljs.registerLanguage('python', python);
hljs.registerLanguage('rust', rust);
hljs.registerLanguage('sql', sql);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('xml', xml);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('protobuf', protobuf);
hljs.registerLanguage('plaintext', plaintext);

const aliases: Record<string, string> = {
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  html: 'xml',
  svg: 'xml',
  golang: 'go',
  py: 'python',
  rs: 'rust',
  yml: 'yaml',
  md: 'markdown',
  proto: 'protobuf',
  docker: 'dockerfile',
  text: 'plaintext',
  txt: 'plaintext',
  postgres: 'sql',
  postgresql: 'sql',
};

export function resolveLanguage(lang: string | undefined): string | null {
  if (!lang) return null;
  const l = lang.toLowerCase().trim();
  const name = aliases[l] ?? l;
  return hljs.getLanguage(name) ? name : null;
}

/** Returns highlighted HTML (highlight.js escapes the source) and the language used. */
export function highlight(code: string, lang?: string): { html: string; language: string } {
  const resolved = resolveLanguage(lang);
  if (resolved)
    return { html: hljs.highlight(code, { language: resolved, ignoreIllegals: true }).value, language: resolved };
  const auto = hljs.highlightAuto(code);
  return { html: auto.value, language: auto.language ?? 'plaintext' };
}

/** Highlights a <code> element in place (class "language-x" names the language). */
export function highlightElement(el: HTMLElement): void {
  if (el.dataset.highlighted) return;
  const m = /language-([\w+#-]+)/.exec(el.className);
  const { html, language } = highlight(el.textContent ?? '', m?.[1]);
  el.innerHTML = html;
  el.classList.add('hljs');
  el.dataset.highlighted = language;
}
