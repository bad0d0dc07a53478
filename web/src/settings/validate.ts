// Client-side checks mirror the server's (shared/apispec/openapi.yaml): the server stays
// the authority and its 400s land on the same fields.
import type { InputMode, Preferences, Theme, VoiceProvider } from '../api/types';

export type FieldPath =
  | 'theme'
  | 'model'
  | 'voice.input_mode'
  | 'voice.voice'
  | 'voice.speaking_rate'
  | 'voice.auto_speak'
  | 'voice.input_provider'
  | 'voice.output_provider'
  | 'github.default_repo'
  | 'github.mention_claude'
  | 'retention_days';

export type FieldErrors = Partial<Record<FieldPath, string>>;

/** The form keeps numbers as typed, so "1.x" can be reported rather than lost. */
export interface PreferencesForm {
  theme: Theme;
  model: string;
  input_mode: InputMode;
  voice: string;
  speaking_rate: string;
  auto_speak: boolean;
  input_provider: VoiceProvider;
  output_provider: VoiceProvider;
  default_repo: string;
  mention_claude: boolean;
  retention_days: string;
}

export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
export const INPUT_MODES: readonly InputMode[] = ['keyboard', 'push_to_talk', 'hands_free'];
export const VOICE_PROVIDERS: readonly VoiceProvider[] = ['auto', 'browser', 'server'];
export const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/;

export function toForm(p: Preferences): PreferencesForm {
  return {
    theme: p.theme,
    model: p.model,
    input_mode: p.voice.input_mode,
    voice: p.voice.voice,
    speaking_rate: String(p.voice.speaking_rate),
    auto_speak: p.voice.auto_speak,
    input_provider: p.voice.input_provider ?? 'auto',
    output_provider: p.voice.output_provider ?? 'auto',
    default_repo: p.github.default_repo,
    mention_claude: p.github.mention_claude,
    retention_days: String(p.retention_days),
  };
}

export function validateForm(f: PreferencesForm): FieldErrors {
  const errors: FieldErrors = {};
  if (!THEMES.includes(f.theme)) errors.theme = 'Choose system, light or dark.';
  if (!f.model.trim()) errors.model = 'A model is required.';
  else if (!MODEL_PATTERN.test(f.model.trim())) errors.model = 'Use a model id such as claude-sonnet-5-5.';
  if (!INPUT_MODES.includes(f.input_mode)) errors['voice.input_mode'] = 'Choose an input mode.';
  if (f.voice.length > 64) errors['voice.voice'] = 'At most 64 characters.';
  const rate = f.speaking_rate.trim() === '' ? NaN : Number(f.speaking_rate);
  if (!Number.isFinite(rate)) errors['voice.speaking_rate'] = 'Enter a number between 0.5 and 2.0.';
  else if (rate < 0.5 || rate > 2) errors['voice.speaking_rate'] = 'Speaking rate must be between 0.5 and 2.0.';
  const repo = f.default_repo.trim();
  if (repo && !REPO_PATTERN.test(repo)) errors['github.default_repo'] = 'Use the form owner/name, or leave it empty.';
  const days = f.retention_days.trim() === '' ? NaN : Number(f.retention_days);
  if (!Number.isInteger(days)) errors.retention_days = 'Enter a whole number of days between 1 and 30.';
  else if (days < 1 || days > 30) errors.retention_days = 'Keep chats between 1 and 30 days.';
  return errors;
}

/** Applies a valid form to the stored document. */
export function fromForm(base: Preferences, f: PreferencesForm): Preferences {
  return {
    ...base,
    theme: f.theme,
    model: f.model.trim(),
    voice: {
      ...base.voice,
      input_mode: f.input_mode,
      voice: f.voice.trim(),
      speaking_rate: Number(f.speaking_rate),
      auto_speak: f.auto_speak,
      // Unchanged defaults stay out of the document (and the patch).
      ...(f.input_provider !== (base.voice.input_provider ?? 'auto') && { input_provider: f.input_provider }),
      ...(f.output_provider !== (base.voice.output_provider ?? 'auto') && { output_provider: f.output_provider }),
    },
    github: { ...base.github, default_repo: f.default_repo.trim(), mention_claude: f.mention_claude },
    retention_days: Number(f.retention_days),
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** An RFC 7396 merge patch turning `from` into `to` (only what changed). */
export function mergePatch(from: unknown, to: unknown): Json | undefined {
  if (
    typeof to !== 'object' ||
    to === null ||
    Array.isArray(to) ||
    typeof from !== 'object' ||
    from === null ||
    Array.isArray(from)
  ) {
    return JSON.stringify(from) === JSON.stringify(to) ? undefined : (to as Json);
  }
  const out: Record<string, Json> = {};
  const a = from as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    const d = mergePatch(a[k], b[k]);
    if (d !== undefined) out[k] = d;
  }
  for (const k of Object.keys(a)) if (!(k in b)) out[k] = null;
  return Object.keys(out).length ? out : undefined;
}
