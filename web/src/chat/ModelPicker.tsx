import { useId, useState } from 'react';
import { describeError } from '../api/client';
import { preferencesApi } from '../api/endpoints';
import { usePreferences } from '../components/AppContexts';
import { modelOptions, useModelChoices } from '../components/useModelChoices';

/**
 * The model for the next replies, beside Send. It is the same preference as
 * in settings (a change saves it); shown only when there is a choice.
 */
export function ModelPicker() {
  const { preferences, setPreferences } = usePreferences();
  const choices = useModelChoices();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = useId();
  const current = preferences?.model ?? choices?.default ?? '';
  const options = modelOptions(choices, current);
  if (options.length < 2) return null;

  const change = async (model: string) => {
    setError(null);
    setSaving(true);
    try {
      setPreferences(await preferencesApi.patch({ model }));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <span className="model-picker">
      <label htmlFor={id} className="visually-hidden">
        Model
      </label>
      <select
        id={id}
        value={current}
        disabled={saving}
        onChange={(e) => void change(e.target.value)}
        aria-invalid={error ? true : undefined}
        title={error ?? 'Model for the next replies'}
      >
        {options.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      {error && (
        <span className="visually-hidden" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
