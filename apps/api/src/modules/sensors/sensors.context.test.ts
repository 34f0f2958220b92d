/**
 * Readings as context on the real app (tiny GGUF answering, both engines): with the card's consent
 * a high blood pressure from POST /api/sensors makes the medication checker warn about a
 * decongestant (rule `hypertension-decongestant`, sourced); without consent the readings are not
 * read at all. And the prompt block the assistant gets: latest value, HIGH flag, 7-day range.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeContext } from '../assistant/index.js';
import {
  createChatTestApp,
  chatTestEngines,
  sendMessage,
  newUser,
  type ChatTestApp,
} from '../chat/chat.test-helpers.js';
import { summaryForAssistant } from './sensor.service.js';

const HOUR = 3_600_000;

describe('readings in the prompt block', () => {
  it('shows the latest value with its flag, the 7-day range and the trend', () => {
    const lines = summaryForAssistant([
      {
        type: 'blood_pressure',
        label: 'Blood pressure',
        unit: 'mmHg',
        count: 6,
        latest: { value: 165, diastolic: 102, time: '2026-12-01T08:00:00.000Z', flag: 'high' },
        min: 128,
        mean: 147.5,
        max: 165,
        trend: 12.5,
        outOfRange: 2,
      },
    ]);
    const block = describeContext(null, lines, new Date('2026-12-02T00:00:00Z'))!;
    assert.match(
      block,
      /Blood pressure 165\/102 mmHg at 2026-12-01T08:00:00.000Z \(HIGH, outside the safe range; 6 readings in 7 days, 128–165, mean 147.5; last day \+12.5 vs the days before; out of range on 2 day\(s\)\)/,
    );
  });
});

for (const engine of chatTestEngines) {
  describe(`readings as context (${engine})`, () => {
    let t: ChatTestApp;
    before(async () => {
      t = await createChatTestApp(engine);
    });
    after(() => t.close());

    const send = (auth: Record<string, string>, chatId: string, content: string) =>
      sendMessage(t.app, auth, chatId, content);
    const highBp = async (auth: Record<string, string>) => {
      const now = Date.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/sensors',
        headers: auth,
        payload: {
          readings: [
            {
              type: 'blood_pressure',
              value: 128,
              diastolic: 82,
              unit: 'mm[Hg]',
              time: new Date(now - 30 * HOUR).toISOString(),
              source: 'cuff',
            },
            {
              type: 'blood_pressure',
              value: 168,
              diastolic: 104,
              unit: 'mm[Hg]',
              time: new Date(now - HOUR).toISOString(),
              source: 'cuff',
            },
          ],
        },
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    const consent = async (auth: Record<string, string>, share: boolean) => {
      const res = await t.app.inject({
        method: 'PATCH',
        url: '/api/users/me',
        headers: auth,
        payload: { shareCardWithAssistant: share },
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    const QUESTION = 'My nose is blocked. Can I take Sudafed?';

    it('with consent: a high blood pressure reading + a decongestant is a sourced drug-condition warning', async () => {
      const u = await newUser(t.app);
      await highBp(u.auth);
      await consent(u.auth, true);
      const reply = await send(u.auth, u.chatId, QUESTION);
      const w = reply.safety.find((x) => x.ruleId === 'hypertension-decongestant');
      assert.ok(w, JSON.stringify(reply.safety));
      assert.equal(w.kind, 'drug-condition');
      assert.ok(w.drugs.includes('pseudoephedrine'), JSON.stringify(w));
      assert.ok(w.source.name.length > 0);
    });

    it('without consent the readings are not read: no blood-pressure warning', async () => {
      const u = await newUser(t.app);
      await highBp(u.auth);
      await consent(u.auth, false);
      const reply = await send(u.auth, u.chatId, QUESTION);
      assert.ok(!reply.safety.some((x) => x.ruleId === 'hypertension-decongestant'), JSON.stringify(reply.safety));
    });
  });
}
