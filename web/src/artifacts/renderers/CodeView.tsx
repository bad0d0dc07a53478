import { useEffect, useState } from 'react';

interface Props {
  code: string;
  language: string;
  streaming?: boolean;
  label?: string;
}

/** Source code, highlighted once the (lazily loaded) highlighter arrives. */
export function CodeView({ code, language, streaming, label }: Props) {
  const [html, setHtml] = useState<{ for: string; html: string } | null>(null);

  useEffect(() => {
    if (streaming) return;
    let cancelled = false;
    import('../../components/highlight')
      .then(({ highlight }) => {
        if (!cancelled) setHtml({ for: code, html: highlight(code, language || undefined).html });
      })
      .catch(() => undefined); // plain text is a fine fallback
    return () => {
      cancelled = true;
    };
  }, [code, language, streaming]);

  const highlighted = html && html.for === code ? html.html : null;
  return (
    <pre className="code-view" role="region" tabIndex={0} aria-label={label ?? `${language || 'Source'} code`}>
      {highlighted !== null ? (
        <code className={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: highlighted }} />
      ) : (
        <code>{code}</code>
      )}
    </pre>
  );
}
