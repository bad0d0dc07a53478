import { lazy, Suspense } from 'react';
import { Markdown } from '../components/Markdown';
import { Spinner } from '../components/Spinner';
import { sourceLanguage } from './artifactTags';
import { CodeView } from './renderers/CodeView';
import { PreviewFrame } from './renderers/PreviewFrame';
import { SvgView } from './renderers/SvgView';

// The heavy renderers load only when such an artifact is shown.
const MermaidView = lazy(() => import('./renderers/MermaidView').then((m) => ({ default: m.MermaidView })));
const ReactPreview = lazy(() => import('./renderers/ReactPreview').then((m) => ({ default: m.ReactPreview })));

export interface RenderableArtifact {
  type: string;
  language: string;
  title: string;
  content: string;
  streaming: boolean;
}

export type ArtifactViewMode = 'preview' | 'code';

export function ArtifactRenderer({ artifact, mode }: { artifact: RenderableArtifact; mode: ArtifactViewMode }) {
  const { type, content, title, streaming } = artifact;
  if (mode === 'code' || type === 'application/vnd.ant.code') {
    const lang = type === 'application/vnd.ant.code' ? artifact.language : sourceLanguage(type, artifact.language);
    return <CodeView code={content} language={lang} streaming={streaming} label={`${title || 'Artifact'} source`} />;
  }
  switch (type) {
    case 'text/markdown':
      return (
        <div className="doc-view">
          <Markdown text={content} highlight={!streaming} />
        </div>
      );
    case 'image/svg+xml':
      return <SvgView content={content} title={title} />;
    case 'text/html':
      return <PreviewFrame html={content} title={`Preview: ${title || 'HTML'}`} />;
    case 'application/vnd.ant.mermaid':
      return (
        <Suspense fallback={<Spinner label="Loading diagram renderer…" />}>
          <MermaidView code={content} title={title} />
        </Suspense>
      );
    case 'application/vnd.ant.react':
      return (
        <Suspense fallback={<Spinner label="Loading preview…" />}>
          <ReactPreview source={content} title={title} />
        </Suspense>
      );
    default:
      return <CodeView code={content} language="" streaming={streaming} />;
  }
}
