/**
 * The responder's emergency page on a 390×844 phone (issue #13): life-critical facts first and on
 * the first screen — allergies with severity, high-risk medicines flagged (warfarin, from the
 * medication module's class data), an implanted device from the notes, conditions — then the rest
 * (organ donor, contacts, notes). Real Chromium, real API.
 *
 * Run: node --conditions=development --import tsx --test e2e/emergency-order.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newQrString, patchCard, registerAccount } from './fixtures/api.js';
import { assertNoAxeViolations, goto, openPage } from './fixtures/page.js';
import { launchBrowser, screenshot, type BrowserSession } from './support/browser.js';
import { assertWebBuilt, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let session: BrowserSession;
let path: string;

before(async () => {
  assertWebBuilt();
  server = await startServer({ AUTH_RATE_LIMIT_MAX: '1000' });
  session = await launchBrowser();
  const owner = await registerAccount(server.url, 'Rory Responder');
  await patchCard(server.url, owner, {
    name: 'Rory Q. Responder',
    dateOfBirth: '1951-04-12',
    sex: 'male',
    bloodType: 'O-',
    allergies: [
      { substance: 'Penicillin', reaction: 'Anaphylaxis', severity: 'severe' },
      { substance: 'Latex', severity: 'mild' },
    ],
    medications: [
      { name: 'Atorvastatin', dose: '20 mg', schedule: 'Evening' },
      { name: 'Warfarin', dose: '5 mg', schedule: 'Daily' },
    ],
    conditions: [{ name: 'Atrial fibrillation' }],
    emergencyContacts: [{ name: 'Sam Responder', relationship: 'Son', phone: '+44 7700 900456' }],
    organDonor: true,
    notes: 'Keeps spare glasses in the bag. Pacemaker fitted in 2019, left side.',
    emergencyFields: [
      'name',
      'dateOfBirth',
      'sex',
      'bloodType',
      'allergies',
      'medications',
      'conditions',
      'emergencyContacts',
      'organDonor',
      'notes',
    ],
  });
  const qr = await newQrString(server.url, owner);
  path = new URL(qr).pathname;
});

after(async () => {
  await session?.close();
  await server?.close();
});

describe('emergency page order on a phone', () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`390×844 ${scheme}: allergies, flagged anticoagulant, implanted device, conditions on the first screen, in that order`, async () => {
      const { page, close } = await openPage(session, { viewport: { width: 390, height: 844 }, colorScheme: scheme });
      try {
        await goto(page, server.url, path);
        await page.getByTestId('emergency-details').waitFor();
        await screenshot(page, `emergency-order-390-${scheme}`);
        const box = async (testId: string) => {
          const b = await page.getByTestId(testId).boundingBox();
          assert.ok(b, `${testId} is shown`);
          return b;
        };
        const allergies = await box('emergency-allergies');
        const meds = await box('emergency-medications');
        const devices = await box('emergency-devices');
        const conditions = await box('emergency-conditions');
        const donor = await box('emergency-organDonor');
        assert.match((await page.getByTestId('emergency-allergies').textContent()) ?? '', /Penicillin\s*Severe/);
        const flagged = page.locator('[data-testid="emergency-medications"] li[data-high-risk]');
        assert.equal(await flagged.count(), 1, 'one medicine flagged');
        assert.match((await flagged.textContent()) ?? '', /Warfarin.*High risk: .*anticoagulant/i);
        assert.match((await page.getByTestId('emergency-devices').textContent()) ?? '', /Pacemaker/);
        assert.ok(allergies.y < meds.y && meds.y < devices.y && devices.y < conditions.y, 'life-critical order');
        assert.ok(conditions.y < donor.y, 'organ donor comes after the life-critical facts');
        const flaggedBox = (await flagged.boundingBox())!;
        for (const [what, b] of [
          ['allergies', allergies],
          ['the flagged medicine', flaggedBox],
          ['implanted devices', devices],
        ] as const) {
          assert.ok(b.y + b.height <= 844, `${what} end on the first screen (bottom ${Math.round(b.y + b.height)})`);
        }
        assert.ok(
          conditions.y + 40 <= 844,
          `the conditions heading is on the first screen (top ${Math.round(conditions.y)})`,
        );
        const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(width[0]! <= width[1]!, `no horizontal overflow: ${width.join(' > ')}`);
        await assertNoAxeViolations(page, `emergency page (${scheme})`);
      } finally {
        await close();
      }
    });
  }
});
