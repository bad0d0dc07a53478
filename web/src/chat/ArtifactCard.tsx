import { artifactTypeLabel } from '../artifacts/artifactTags';
import type { LiveArtifact } from '../artifacts/liveArtifact';
import { IconFile } from '../components/icons';

/** The button in a reply that stands for one artifact and opens it in the panel. */
export function ArtifactCard({ artifact, onOpen }: { artifact: LiveArtifact; onOpen: (identifier: string) => void }) {
  const a = artifact;
  return (
    <button type="button" className="artifact-card" onClick={() => onOpen(a.identifier)}>
      <IconFile />
      <span className="artifact-card-text">
        <span className="artifact-card-title">{a.title || a.identifier}</span>
        <span className="artifact-card-meta">
          {artifactTypeLabel(a.type, a.language)} · v{a.version}
          {a.streaming ? ' · writing…' : ''}
        </span>
      </span>
      <span className="visually-hidden">Open artifact</span>
    </button>
  );
}
