/**
 * Every case of the medication checker's corpus (medication.corpus.test-helpers.ts) through the real
 * app: a guest (conversation only) or a signed-in patient whose card holds the case's facts and is
 * shared with the assistant sends the case's messages over POST /api/messages, the tiny GGUF model
 * answers, and the reply's stored `safety` field must carry exactly the rules the corpus expects.
 * Cases the card cannot express (pregnancy status, sensor readings) send the same facts the way a
 * patient would: pregnancy in words, blood pressure through POST /api/sensors; a lab eGFR, which
 * the app cannot record yet, is a todo.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@medichat/shared';
import { cases, type Case } from '../medication/medication.corpus.test-helpers.js';
import { createChatTestApp, newGuest, newUser, sendMessage, type ChatTestApp } from './chat.test-helpers.js';

/** The corpus's "today" (its ages and dates of birth are relative to it). */
const CORPUS_TODAY = new Date('2026-06-01T12:00:00Z');

const yearsBetween = (from: Date, to: Date) => {
  let y = to.getUTCFullYear() - from.getUTCFullYear();
  const m = to.getUTCMonth() - from.getUTCMonth();
  if (m < 0 || (m === 0 && to.getUTCDate() < from.getUTCDate())) y--;
  return y;
};

/** A date of birth giving `age` today: the birthday two months ago. */
const dobForAge = (age: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - 2);
  d.setUTCFullYear(d.getUTCFullYear() - age);
  return d.toISOString().slice(0, 10);
};

function cardPatch(card: NonNullable<Case['card']>): Record<string, unknown> {
  const age = card.age ?? (card.dateOfBirth ? yearsBetween(new Date(card.dateOfBirth), CORPUS_TODAY) : null);
  return {
    shareCardWithAssistant: true,
    ...(age !== null ? { dateOfBirth: dobForAge(age) } : {}),
    ...(card.sex ? { sex: card.sex } : {}),
    ...(card.medications
      ? {
          medications: card.medications.map((m) => ({
            name: m.name,
            ...(m.dose ? { dose: m.dose } : {}),
            ...(m.schedule ? { schedule: m.schedule } : {}),
          })),
        }
      : {}),
    ...(card.allergies
      ? {
          allergies: card.allergies.map((a) => ({
            substance: a.substance,
            ...(a.reaction ? { reaction: a.reaction } : {}),
            ...(a.severity ? { severity: a.severity } : {}),
          })),
        }
      : {}),
    ...(card.conditions ? { conditions: card.conditions.map((c) => ({ name: c.name })) } : {}),
  };
}

describe('medication corpus on the real app (every case, SQLite, tiny GGUF)', () => {
  let t: ChatTestApp;
  before(async () => {
    t = await createChatTestApp('sqlite', { MAX_REPLY_TOKENS: '16', RATE_LIMIT_MAX: '5000' });
  });
  after(() => t.close());

  for (const [name, c] of cases) {
    // A lab result (eGFR) has no place in the app yet (not a card field, not a sensor type): the
    // checker handles it, the app cannot feed it. Listed as a todo so it shows in every run.
    const todo = c.readings?.egfr != null ? 'the app has no place to record an eGFR result yet' : undefined;
    it(name, { todo }, async () => {
      const messages = [...(c.messages ?? [])];
      if (c.card?.pregnant) messages.unshift('I am pregnant.');
      let auth: Record<string, string>;
      let chatId: string;
      if (c.card || c.readings) {
        const u = await newUser(t.app);
        ({ auth, chatId } = u);
        const patch = await t.app.inject({
          method: 'PATCH',
          url: '/api/users/me',
          headers: auth,
          payload: cardPatch(c.card ?? {}),
        });
        assert.equal(patch.statusCode, 200, patch.body);
        if (c.readings?.systolic != null && c.readings.diastolic != null) {
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/sensors',
            headers: auth,
            payload: {
              readings: [
                {
                  type: 'blood_pressure',
                  value: c.readings.systolic,
                  diastolic: c.readings.diastolic,
                  unit: 'mm[Hg]',
                  time: new Date(Date.now() - 3_600_000).toISOString(),
                  source: 'corpus-cuff',
                },
              ],
            },
          });
          assert.ok(res.statusCode < 300, res.body);
        }
      } else {
        ({ auth, chatId } = await newGuest(t.app));
      }
      if (messages.length === 0) messages.push('Hello.');
      let reply: Message | undefined;
      for (const m of messages) reply = await sendMessage(t.app, auth, chatId, m);
      const warnings = reply!.safety;
      const got = warnings.map((w) => `${w.ruleId}:${w.severity}`);
      for (const e of c.expect) {
        const [rule, severity] = e.split(':');
        const w = warnings.find((x) => x.ruleId === rule);
        assert.ok(w, `expected ${e} on the reply, got [${got.join(', ')}]`);
        if (severity) assert.equal(w.severity, severity, `${rule} severity`);
        assert.ok(w.source.name.length > 0, 'the warning names its source');
      }
      for (const f of c.forbid ?? []) {
        if (f === '*') assert.deepEqual(got, [], 'expected no warning on the reply');
        else assert.ok(!warnings.some((w) => w.ruleId === f), `did not expect ${f}, got [${got.join(', ')}]`);
      }
    });
  }
});
