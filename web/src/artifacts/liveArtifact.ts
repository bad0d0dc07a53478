// An artifact as the studio shows it: possibly still streaming in, so not
// yet stored (no id). The chat's state holds these; the panel renders them.
export interface LiveArtifact {
  identifier: string;
  type: string;
  title: string;
  language: string;
  version: number;
  content: string;
  /** Set once stored (artifact_end, or loaded from the API). */
  id: string | null;
  messageId: string | null;
  streaming: boolean;
}
