// Named wire types of the ArchStudio API. Every shape comes from the
// contract, shared/apispec/openapi.yaml, through the generated schema.d.ts
// (npm run gen:api); this file only gives the SPA short names for them.
import type { components } from './schema';

type Schemas = components['schemas'];

export type ErrorBody = Schemas['Error'];
export type ErrorCode = Schemas['ErrorCode'];
export type Limits = Schemas['Limits'];
export type User = Schemas['User'];
export type Providers = Schemas['Providers'];
export type AuthSession = Schemas['Session'];
export type SessionList = Schemas['SessionList'];
export type Chat = Schemas['Chat'];
export type ChatList = Schemas['ChatList'];
export type MessageStatus = Schemas['MessageStatus'];
export type Message = Schemas['Message'];
export type MessageList = Schemas['MessageList'];
export type SendMessageRequest = Schemas['SendMessageRequest'];
export type MessageSearchHit = Schemas['MessageSearchHit'];
export type MessageSearchResults = Schemas['MessageSearchResults'];
export type ArtifactType = Schemas['ArtifactType'];
export type Artifact = Schemas['Artifact'];
export type ArtifactList = Schemas['ArtifactList'];
export type ArtifactVersionList = Schemas['ArtifactVersionList'];
export type Theme = Schemas['Theme'];
export type InputMode = Schemas['InputMode'];
export type VoiceProvider = Schemas['VoiceProvider'];
export type Preferences = Schemas['Preferences'];
export type PreferencesPatch = Schemas['PreferencesPatch'];
export type ModelChoices = Schemas['ModelChoices'];
export type UsageDay = Schemas['UsageDay'];
export type Usage = Schemas['Usage'];

// Stream events (POST /api/chats/{id}/messages and GET /api/chats/{id}/events):
// the event: line names the type, the data: line is that type's schema.
export type StreamEventType = Schemas['StreamEventType'];

export interface StreamEventMap {
  message_start: Schemas['StreamEventMessageStart'];
  delta: Schemas['StreamEventDelta'];
  artifact_start: Schemas['StreamEventArtifactStart'];
  artifact_delta: Schemas['StreamEventArtifactDelta'];
  artifact_end: Schemas['StreamEventArtifactEnd'];
  usage: Schemas['StreamEventUsage'];
  done: Schemas['StreamEventDone'];
  error: Schemas['StreamEventError'];
}

// The map above names exactly the contract's event types: a type added to
// the contract and not here (or the reverse) fails to compile.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const eventTypesMatch: Exactly<keyof StreamEventMap, StreamEventType> = true;
void eventTypesMatch;

export type StreamEvent = {
  [K in StreamEventType]: { type: K; id: string; data: StreamEventMap[K] };
}[StreamEventType];

/** GET /api/github/account: whether GitHub can be used, and with which scopes. */
export type GitHubAccount = Schemas['GitHubAccount'];
export type GitHubRepo = Schemas['GitHubRepo'];
export type GitHubRepoPage = Schemas['GitHubRepoPage'];
export type PublishRequest = Schemas['PublishRequest'];
export type PublishedIssue = Schemas['PublishedIssue'];
export type PublishResult = Schemas['PublishResult'];
export type WorkflowRun = Schemas['WorkflowRun'];
export type Attachment = Schemas['Attachment'];
export type AttachmentList = Schemas['AttachmentList'];
export type AttachmentLimits = Schemas['AttachmentLimits'];
export type PresignedUpload = Schemas['PresignedUpload'];
export type Share = Schemas['Share'];
export type CreatedShare = Schemas['CreatedShare'];
export type ShareList = Schemas['ShareList'];
export type SharedChat = Schemas['SharedChat'];
export type RepositoryContext = Schemas['RepositoryContext'];
export type RepositoryContextRequest = Schemas['RepositoryContextRequest'];
