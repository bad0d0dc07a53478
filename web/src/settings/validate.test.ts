import { describe, expect, it } from 'vitest';
import type { Preferences } from '../api/types';
import { fromForm, mergePatch, toForm, validateForm, type PreferencesForm } from './validate';

const prefs: Preferences = {
  schema_version: 2,
  theme: 'system',
  model: 'claude-sonnet-5-5',
  voice: {
    input_mode: 'keyboard',
    voice: 'alloy',
    speaking_rate: 1,
    auto_speak: false,
    input_provider: 'auto',
    output_provider: 'auto',
  },
  github: { default_repo: '', mention_claude: false },
  retention_days: 30,
};
const form = (over: Partial<PreferencesForm>): PreferencesForm => ({ ...toForm(prefs), ...over });

describe('validateForm', () => {
  const cases: { name: string; over: Partial<PreferencesForm>; field?: string; msg?: RegExp }[] = [
    { name: 'defaults are valid', over: {} },
    { name: 'rate at the low bound', over: { speaking_rate: '0.5' } },
    { name: 'rate at the high bound', over: { speaking_rate: '2' } },
    { name: 'rate too low', over: { speaking_rate: '0.4' }, field: 'voice.speaking_rate', msg: /between 0.5 and 2.0/ },
    { name: 'rate too high', over: { speaking_rate: '2.01' }, field: 'voice.speaking_rate' },
    { name: 'rate not a number', over: { speaking_rate: 'fast' }, field: 'voice.speaking_rate', msg: /number/ },
    { name: 'rate empty', over: { speaking_rate: '' }, field: 'voice.speaking_rate' },
    { name: 'retention 1', over: { retention_days: '1' } },
    { name: 'retention 0', over: { retention_days: '0' }, field: 'retention_days', msg: /1 and 30/ },
    { name: 'retention 31', over: { retention_days: '31' }, field: 'retention_days' },
    { name: 'retention fractional', over: { retention_days: '2.5' }, field: 'retention_days', msg: /whole number/ },
    { name: 'repo empty is fine', over: { default_repo: '' } },
    { name: 'repo owner/name', over: { default_repo: 'archstudio/studio' } },
    { name: 'repo without slash', over: { default_repo: 'studio' }, field: 'github.default_repo', msg: /owner\/name/ },
    { name: 'repo with url', over: { default_repo: 'https://github.com/a/b' }, field: 'github.default_repo' },
    { name: 'model empty', over: { model: ' ' }, field: 'model', msg: /required/ },
    { name: 'model with spaces', over: { model: 'claude sonnet' }, field: 'model' },
    { name: 'voice too long', over: { voice: 'x'.repeat(65) }, field: 'voice.voice' },
    { name: 'bad theme', over: { theme: 'neon' as PreferencesForm['theme'] }, field: 'theme' },
    {
      name: 'bad input mode',
      over: { input_mode: 'telepathy' as PreferencesForm['input_mode'] },
      field: 'voice.input_mode',
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const errs = validateForm(form(tc.over));
      if (!tc.field) {
        expect(errs).toEqual({});
        return;
      }
      expect(Object.keys(errs)).toEqual([tc.field]);
      if (tc.msg) expect(errs[tc.field as keyof typeof errs]).toMatch(tc.msg);
    });
  }
});

describe('mergePatch', () => {
  it('contains only what changed, nested', () => {
    const next = fromForm(prefs, form({ speaking_rate: '1.5', theme: 'dark' }));
    expect(mergePatch(prefs, next)).toEqual({ theme: 'dark', voice: { speaking_rate: 1.5 } });
  });
  it('is undefined when nothing changed', () => {
    expect(mergePatch(prefs, fromForm(prefs, toForm(prefs)))).toBeUndefined();
  });
  it('sets removed keys to null (RFC 7396)', () => {
    expect(mergePatch({ a: 1, b: 2 }, { a: 1 })).toEqual({ b: null });
  });
});
