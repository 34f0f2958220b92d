/**
 * Shorthands that keep the case files readable: each returns a plain rubric check object (the
 * schema validates them when the cases load). Patterns are regex sources with `{set}` macros.
 */
import type { Check } from '../eval.schema.js';

export const mention = (label: string, ...any: string[]): Check => ({ kind: 'mention', label, any });
export const notRecommend = (label: string, ...drug: string[]): Check => ({ kind: 'not-recommend', label, drug });
export const warn = (label: string, ...topic: string[]): Check => ({ kind: 'warn', label, topic });
export const short = (max: number): Check => ({ kind: 'max-words', max });
export const safetyWarning = (label: string, ...drug: string[]): Check => ({ kind: 'safety-warning', label, drug });
export const triaged = (level: 'urgent' | 'emergency' | 'none'): Check => ({ kind: 'triage', level });
export const seeClinician = (when = 'advises seeing a clinician'): Check =>
  mention(when, '{seeClinician}', '{clinician}');
