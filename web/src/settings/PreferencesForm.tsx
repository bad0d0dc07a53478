import { startTransition, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/client';
import { preferencesApi } from '../api/endpoints';
import type { Preferences, PreferencesPatch } from '../api/types';
import { usePreferences } from '../components/AppContexts';
import { Spinner } from '../components/Spinner';
import { modelOptions, useModelChoices } from '../components/useModelChoices';
import { VoiceProviderFields } from '../voice/VoiceProviderFields';
import {
  fromForm,
  INPUT_MODES,
  mergePatch,
  toForm,
  validateForm,
  type FieldErrors,
  type FieldPath,
  type PreferencesForm as Form,
} from './validate';

const fieldIds: Record<FieldPath, string> = {
  theme: 'pref-theme-system',
  model: 'pref-model',
  'voice.input_mode': 'pref-input-mode',
  'voice.voice': 'pref-voice',
  'voice.speaking_rate': 'pref-rate',
  'voice.auto_speak': 'pref-auto-speak',
  'voice.input_provider': 'pref-input-provider',
  'voice.output_provider': 'pref-output-provider',
  'github.default_repo': 'pref-repo',
  'github.mention_claude': 'pref-mention',
  retention_days: 'pref-retention',
};

const inputModeLabels: Record<string, string> = {
  keyboard: 'Keyboard',
  push_to_talk: 'Push to talk',
  hands_free: 'Hands-free',
};

function errId(field: FieldPath) {
  return `${fieldIds[field]}-error`;
}

function FieldError({ field, errors }: { field: FieldPath; errors: FieldErrors }) {
  const msg = errors[field];
  if (!msg) return null;
  return (
    <p id={errId(field)} className="field-error">
      {msg}
    </p>
  );
}

function Field({
  field,
  label,
  hint,
  errors,
  children,
}: {
  field: FieldPath;
  label: string;
  hint?: string;
  errors: FieldErrors;
  children: ReactNode;
}) {
  return (
    <div className={errors[field] ? 'field invalid' : 'field'}>
      <label htmlFor={fieldIds[field]}>{label}</label>
      {children}
      {hint && (
        <p id={`${fieldIds[field]}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError field={field} errors={errors} />
    </div>
  );
}

function describedBy(field: FieldPath, errors: FieldErrors, hint: boolean) {
  const ids = [hint ? `${fieldIds[field]}-hint` : '', errors[field] ? errId(field) : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function PreferencesForm() {
  const { preferences: shared, setPreferences } = usePreferences();
  const models = useModelChoices();
  const [stored, setStored] = useState<Preferences | null>(shared);
  const [form, setForm] = useState<Form | null>(shared ? toForm(shared) : null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    preferencesApi
      .get()
      .then((p) =>
        startTransition(() => {
          setStored(p);
          setForm(toForm(p));
        }),
      )
      .catch((e: unknown) => setLoadError(describeError(e)));
  }, []);

  const focusField = (field: FieldPath) => {
    const el = formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(fieldIds[field])}`);
    el?.focus();
  };

  if (loadError && !form) {
    return (
      <p className="alert error" role="alert">
        Your preferences could not be loaded: {loadError}
      </p>
    );
  }
  if (!form || !stored) return <Spinner label="Loading preferences…" />;

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm({ ...form, [key]: value });
    setSaved(null);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    setFormError(null);
    const errs = validateForm(form);
    setErrors(errs);
    const first = (Object.keys(fieldIds) as FieldPath[]).find((f) => errs[f]);
    if (first) {
      focusField(first);
      return;
    }
    const next = fromForm(stored, form);
    const patch = mergePatch(stored, next);
    if (patch === undefined) {
      setSaved('No changes to save.');
      return;
    }
    setSaving(true);
    try {
      // The merge patch between two Preferences is a PreferencesPatch.
      const result = await preferencesApi.patch(patch as PreferencesPatch);
      setStored(result);
      setForm(toForm(result));
      setPreferences(result);
      setSaved('Preferences saved.');
    } catch (err) {
      if (err instanceof ApiError && err.field && err.field in fieldIds) {
        const field = err.field as FieldPath;
        setErrors({ [field]: err.message });
        focusField(field);
      } else {
        setFormError(describeError(err));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="settings-form" aria-labelledby="prefs-heading">
      <h2 id="prefs-heading" className="h2">
        Preferences
      </h2>

      <fieldset className={errors.theme ? 'field invalid' : 'field'}>
        <legend>Theme</legend>
        <div className="segmented">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <label key={t} className={form.theme === t ? 'segment active' : 'segment'}>
              <input
                type="radio"
                name="theme"
                id={`pref-theme-${t}`}
                value={t}
                checked={form.theme === t}
                onChange={() => set('theme', t)}
              />
              {t === 'system' ? 'System' : t === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </div>
        <FieldError field="theme" errors={errors} />
      </fieldset>

      <Field
        field="model"
        label="Model"
        hint="The Claude model used for new replies (also offered beside Send)."
        errors={errors}
      >
        <select
          id={fieldIds.model}
          value={form.model}
          onChange={(e) => set('model', e.target.value)}
          aria-invalid={errors.model ? true : undefined}
          aria-describedby={describedBy('model', errors, true)}
        >
          {modelOptions(models, form.model).map((m) => (
            <option key={m} value={m}>
              {m +
                (m === models?.default ? ' (default)' : '') +
                (models && !models.models.includes(m) ? ' (no longer offered)' : '')}
            </option>
          ))}
        </select>
      </Field>

      <h3 className="h3 section-title">Voice</h3>
      <div className="grid-2">
        <Field field="voice.input_mode" label="Input mode" errors={errors}>
          <select
            id={fieldIds['voice.input_mode']}
            value={form.input_mode}
            onChange={(e) => set('input_mode', e.target.value as Form['input_mode'])}
            aria-invalid={errors['voice.input_mode'] ? true : undefined}
            aria-describedby={describedBy('voice.input_mode', errors, false)}
          >
            {INPUT_MODES.map((m) => (
              <option key={m} value={m}>
                {inputModeLabels[m]}
              </option>
            ))}
          </select>
        </Field>
        <Field field="voice.voice" label="Voice" hint="The voice name used to read replies aloud." errors={errors}>
          <input
            id={fieldIds['voice.voice']}
            value={form.voice}
            maxLength={64}
            onChange={(e) => set('voice', e.target.value)}
            aria-invalid={errors['voice.voice'] ? true : undefined}
            aria-describedby={describedBy('voice.voice', errors, true)}
          />
        </Field>
        <Field field="voice.speaking_rate" label="Speaking rate" hint="From 0.5 (slow) to 2.0 (fast)." errors={errors}>
          <input
            id={fieldIds['voice.speaking_rate']}
            type="number"
            inputMode="decimal"
            min={0.5}
            max={2}
            step={0.1}
            value={form.speaking_rate}
            onChange={(e) => set('speaking_rate', e.target.value)}
            aria-invalid={errors['voice.speaking_rate'] ? true : undefined}
            aria-describedby={describedBy('voice.speaking_rate', errors, true)}
          />
        </Field>
        <div className={errors['voice.auto_speak'] ? 'field check invalid' : 'field check'}>
          <label className="check-label">
            <input
              id={fieldIds['voice.auto_speak']}
              type="checkbox"
              checked={form.auto_speak}
              onChange={(e) => set('auto_speak', e.target.checked)}
            />
            Read replies aloud automatically
          </label>
          <FieldError field="voice.auto_speak" errors={errors} />
        </div>
        <VoiceProviderFields
          inputProvider={form.input_provider}
          outputProvider={form.output_provider}
          onInput={(v) => set('input_provider', v)}
          onOutput={(v) => set('output_provider', v)}
          inputId={fieldIds['voice.input_provider']}
          outputId={fieldIds['voice.output_provider']}
        />
      </div>

      <h3 className="h3 section-title">GitHub</h3>
      <div className="grid-2">
        <Field field="github.default_repo" label="Default repository" hint="owner/name, or empty." errors={errors}>
          <input
            id={fieldIds['github.default_repo']}
            value={form.default_repo}
            placeholder="owner/name"
            onChange={(e) => set('default_repo', e.target.value)}
            aria-invalid={errors['github.default_repo'] ? true : undefined}
            aria-describedby={describedBy('github.default_repo', errors, true)}
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <div className={errors['github.mention_claude'] ? 'field check invalid' : 'field check'}>
          <label className="check-label">
            <input
              id={fieldIds['github.mention_claude']}
              type="checkbox"
              checked={form.mention_claude}
              onChange={(e) => set('mention_claude', e.target.checked)}
            />
            Mention @claude in issues I create
          </label>
          <FieldError field="github.mention_claude" errors={errors} />
        </div>
      </div>

      <h3 className="h3 section-title">Data</h3>
      <Field
        field="retention_days"
        label="Keep chats for (days)"
        hint="Chats older than this are deleted; 1 to 30."
        errors={errors}
      >
        <input
          id={fieldIds.retention_days}
          type="number"
          inputMode="numeric"
          min={1}
          max={30}
          step={1}
          value={form.retention_days}
          onChange={(e) => set('retention_days', e.target.value)}
          aria-invalid={errors.retention_days ? true : undefined}
          aria-describedby={describedBy('retention_days', errors, true)}
          className="narrow-input"
        />
      </Field>

      {formError && (
        <p className="alert error" role="alert">
          {formError}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save preferences'}
        </button>
        <span role="status" aria-live="polite" className="saved-status">
          {saved}
        </span>
      </div>
    </form>
  );
}
