/**
 * The medical card through the real app on SQLite and, when configured, MongoDB: profile read and
 * edit, BMI (metric and imperial), strict validation, encryption at rest (the raw database file or
 * document shows no health data), the QR (PNG decodes to exactly the string, SVG, JSON), QR login
 * with and without a PIN, old QRs, the emergency view and its audit, the FHIR export, and user B
 * never reaching user A's data.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import sharp from 'sharp';
import { WEIGHT_LB } from '@medichat/shared';
import { openStorage } from '../../engines/storage/index.js';
import { mongoTestUri, type TestApp } from '../../testing/test-app.js';
import {
  createIdentityTestApp,
  GOOD_PASSWORD,
  registerAccount,
  testEngines,
  uniqueEmail,
  type Account,
} from '../account/auth.test-helpers.js';
import { negotiateQrFormat } from './cards.routes.js';

const CARD = {
  name: 'Ada Lovelace',
  dateOfBirth: '1985-12-10',
  sex: 'female',
  bloodType: 'O-',
  heightCm: 170,
  weightKg: 65,
  allergies: [{ substance: 'Penicillin', reaction: 'Hives and wheezing', severity: 'severe' }],
  conditions: [{ name: 'Type 2 diabetes', since: '2015-03-01' }],
  medications: [{ name: 'Metformin', dose: '500 mg', schedule: 'twice daily' }],
  immunizations: [{ vaccine: 'Tetanus booster', date: '2020-05-01' }],
  emergencyContacts: [{ name: 'Charles Babbage', relationship: 'friend', phone: '+44 20 7946 0000' }],
  organDonor: true,
  primaryPhysician: { name: 'Dr Mary Somerville', organization: 'Marylebone Practice', phone: '+44 20 7946 0001' },
  language: 'en-GB',
  notes: 'Carries an inhaler',
};
const SECRETS = [
  'Penicillin',
  'Hives and wheezing',
  'Type 2 diabetes',
  'Metformin',
  'Ada Lovelace',
  'Charles Babbage',
  'Carries an inhaler',
];

async function decodeQrPng(png: Buffer): Promise<string> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const luminance = new RGBLuminanceSource(new Uint8ClampedArray(data), info.width, info.height);
  // PURE_BARCODE: a generated image, not a photo (zxing's finder-pattern search misses ~5 % of
  // perfectly sharp synthetic codes; cameras never deliver those).
  const hints = new Map([[DecodeHintType.PURE_BARCODE, true]]);
  return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(luminance)), hints).getText();
}

describe('QR content negotiation', () => {
  it('honours Accept with q-values; JSON by default; null when nothing fits', () => {
    assert.equal(negotiateQrFormat(undefined), 'json');
    assert.equal(negotiateQrFormat('*/*'), 'json');
    assert.equal(negotiateQrFormat('image/png'), 'png');
    assert.equal(negotiateQrFormat('image/svg+xml'), 'svg');
    assert.equal(negotiateQrFormat('image/*'), 'png');
    assert.equal(negotiateQrFormat('image/png;q=0.5, image/svg+xml'), 'svg');
    assert.equal(negotiateQrFormat('application/json, image/png;q=0.1'), 'json');
    assert.equal(negotiateQrFormat('text/html'), null);
    assert.equal(negotiateQrFormat('image/png;q=0'), null);
  });
});

for (const engine of testEngines) {
  describe(`medical card on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createIdentityTestApp(engine);
    });
    after(() => t.close());

    const getMe = (a: Account) => t.app.inject({ method: 'GET', url: '/api/users/me', headers: a.auth });
    const patch = (a: Account, payload: unknown) =>
      t.app.inject({ method: 'PATCH', url: '/api/users/me', headers: a.auth, payload: payload as object });
    const newQr = async (a: Account) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/qr',
        headers: { ...a.auth, accept: 'application/json' },
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { qr: string; version: number };
      // The QR encodes the emergency URL; its last path segment is the signed token.
      return { ...body, token: decodeURIComponent(body.qr.split('/emergency/')[1] ?? '') };
    };
    const qrLogin = (payload: object) => t.app.inject({ method: 'POST', url: '/api/auth/qr-login', payload });

    it('GET /api/users/me needs a user token', async () => {
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/users/me' })).statusCode, 401);
    });

    it('PATCH stores every card field and computes the BMI server-side', async () => {
      const a = await registerAccount(t.app);
      const res = await patch(a, { ...CARD, displayName: 'Ada L.' });
      assert.equal(res.statusCode, 200, res.body);
      const { user, card } = res.json();
      assert.equal(user.displayName, 'Ada L.');
      for (const [k, v] of Object.entries(CARD)) assert.deepEqual(card[k], v, k);
      assert.deepEqual(card.bmi, { value: 22.5, category: 'normal' });
      assert.deepEqual((await getMe(a)).json().card, card);
      // null clears; lists replace.
      const cleared = (await patch(a, { notes: null, allergies: [] })).json().card;
      assert.equal(cleared.notes, null);
      assert.deepEqual(cleared.allergies, []);
      assert.equal(cleared.name, 'Ada Lovelace');
      // Clearing the height clears the BMI.
      assert.equal((await patch(a, { heightCm: null })).json().card.bmi, null);
    });

    it('takes imperial input and stores metric; BMI and category follow', async () => {
      const a = await registerAccount(t.app);
      const card = (await patch(a, { heightFt: 5, heightIn: 10, weightLb: 154 })).json().card;
      assert.equal(card.heightCm, 177.8);
      assert.equal(card.weightKg, 69.9);
      assert.deepEqual(card.bmi, { value: 22.1, category: 'normal' });
      const heavier = (await patch(a, { weightLb: 220 })).json().card;
      assert.equal(heavier.weightKg, 99.8);
      assert.deepEqual(heavier.bmi, { value: 31.6, category: 'obese' });
      // The extremes the document allows in pounds are weights the card takes.
      // (On a card without a height: with one, the BMI must be plausible too.)
      const b = await registerAccount(t.app);
      assert.equal((await patch(b, { weightLb: WEIGHT_LB.min })).json().card.weightKg, 1);
      assert.equal((await patch(b, { weightLb: WEIGHT_LB.max })).json().card.weightKg, 650);
      const inches = (await patch(a, { heightIn: 70 })).json().card;
      assert.equal(inches.heightCm, 177.8);
      // Under 18: a BMI, but no adult category.
      const child = (
        await patch(a, { dateOfBirth: `${new Date().getUTCFullYear() - 10}-01-01`, heightCm: 140, weightKg: 32 })
      ).json().card;
      assert.deepEqual(child.bmi, { value: 16.3, category: null });
    });

    const invalid: Array<[string, unknown, number]> = [
      ['a client-set bmi', { bmi: { value: 10, category: 'normal' } }, 400],
      ['an unknown field', { favouriteColour: 'blue' }, 400],
      ['an unknown nested field', { allergies: [{ substance: 'Nuts', lethal: true }] }, 400],
      ['wrong types', { heightCm: '170', organDonor: 'yes' }, 400],
      ['a missing required nested field', { medications: [{ dose: '5 mg' }] }, 400],
      ['metric and imperial height at once', { heightCm: 170, heightFt: 5 }, 400],
      ['metric and imperial weight at once', { weightKg: 70, weightLb: 150 }, 400],
      ['inches ≥ 12 with feet', { heightFt: 5, heightIn: 14 }, 400],
      ['out-of-range height', { heightCm: 900 }, 400],
      ['a negative weight', { weightKg: -3 }, 400],
      ['a weight in pounds under 1 kg (the document says so too)', { weightLb: 2 }, 400],
      ['a future birth date', { dateOfBirth: '2999-01-01' }, 400],
      ['an impossible date', { dateOfBirth: '2001-02-30' }, 400],
      ['a bad blood type', { bloodType: 'Z+' }, 400],
      ['a bad emergency field', { emergencyFields: ['passwordHash'] }, 400],
      ['a repeated emergency field', { emergencyFields: ['bloodType', 'bloodType'] }, 400],
      ['too many allergies', { allergies: Array.from({ length: 101 }, (_, i) => ({ substance: `s${i}` })) }, 400],
      ['a bad phone number', { emergencyContacts: [{ name: 'X', phone: 'call me' }] }, 400],
      ['an implausible height/weight pair', { heightCm: 50, weightKg: 600 }, 422],
      ['Mongo operator as name', { name: { $gt: '' } }, 400],
      ['Mongo operator as displayName', { displayName: { $ne: null } }, 400],
      ['Mongo operator as blood type', { bloodType: { $in: ['A+'] } }, 400],
      ['Mongo operator as language', { language: { $regex: '.*' } }, 400],
      ['Mongo operator as notes', { notes: { $where: 'sleep(1000)' } }, 400],
      ['Mongo operator as date of birth', { dateOfBirth: { $gt: '' } }, 400],
      ['Mongo operator in an allergy', { allergies: [{ substance: { $gt: '' } }] }, 400],
      ['Mongo operator in a medication', { medications: [{ name: 'x', dose: { $gt: '' } }] }, 400],
      ['Mongo operator in a contact phone', { emergencyContacts: [{ name: 'x', phone: { $gt: '' } }] }, 400],
      ['Mongo operator in the physician', { primaryPhysician: { name: { $gt: '' } } }, 400],
      ['an array body', [CARD], 400],
    ];
    for (const [name, payload, status] of invalid) {
      it(`PATCH refuses ${name} (${status}) and changes nothing`, async () => {
        const a = await registerAccount(t.app);
        await patch(a, { heightCm: 170, weightKg: 65, name: 'Before' });
        const before = (await getMe(a)).json();
        const res = await patch(a, payload);
        assert.equal(res.statusCode, status, res.body);
        assert.match(String(res.headers['content-type']), /problem\+json/);
        assert.deepEqual((await getMe(a)).json(), before);
      });
    }

    it('an oversize body is 413 and changes nothing', async () => {
      const a = await registerAccount(t.app);
      const before = (await getMe(a)).json();
      const res = await patch(a, { notes: 'x'.repeat(2_000_000) });
      assert.equal(res.statusCode, 413);
      assert.deepEqual((await getMe(a)).json(), before);
    });

    it('the database holds no card field in clear text', async () => {
      const a = await registerAccount(t.app);
      assert.equal((await patch(a, CARD)).statusCode, 200);
      let raw: string;
      if (engine === 'sqlite') {
        const file = join(t.dataDir, 'medichat.sqlite');
        raw = [file, `${file}-wal`]
          .filter((f) => existsSync(f))
          .map((f) => readFileSync(f).toString('latin1'))
          .join('\n');
        assert.ok(raw.includes(a.email), 'the raw read does see clear-text account data, so it would see card data');
      } else {
        const { MongoClient } = await import('mongodb');
        const client = new MongoClient(mongoTestUri!);
        try {
          const db = client.db(t.config.storage.mongodbDb);
          raw = JSON.stringify(await db.collection('medical_cards').find({ userId: a.userId }).toArray());
          raw += JSON.stringify(await db.collection('audit_log').find({ subjectId: a.userId }).toArray());
          assert.match(raw, /e1\.k1\./);
        } finally {
          await client.close();
        }
      }
      for (const secret of SECRETS) assert.ok(!raw.includes(secret), `"${secret}" appears in clear text`);
    });

    it('POST /api/qr: JSON, PNG that decodes to exactly the string, SVG; each makes a new version', async () => {
      const a = await registerAccount(t.app);
      await patch(a, CARD);
      const first = await newQr(a);
      assert.equal(first.version, 1);
      assert.match(first.qr, /^http:\/\/localhost(:\d+)?\/emergency\/mc1\.[A-Za-z0-9_-]+\.1\.[A-Za-z0-9_-]{43}$/);
      for (const s of [a.email, 'Ada', 'Penicillin']) assert.ok(!first.qr.includes(s));
      const png = await t.app.inject({ method: 'POST', url: '/api/qr', headers: { ...a.auth, accept: 'image/png' } });
      assert.equal(png.statusCode, 200);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.equal(png.headers['x-qr-version'], '2');
      assert.equal(png.headers['cache-control'], 'no-store');
      const encoded = await decodeQrPng(png.rawPayload);
      assert.match(encoded, /^http:\/\/localhost(:\d+)?\/emergency\/mc1\..+\.2\./);
      const svg = await t.app.inject({
        method: 'POST',
        url: '/api/qr',
        headers: { ...a.auth, accept: 'image/svg+xml' },
      });
      assert.equal(svg.statusCode, 200);
      assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
      assert.match(svg.body, /^<svg[\s\S]*<\/svg>\s*$/);
      const html = await t.app.inject({ method: 'POST', url: '/api/qr', headers: { ...a.auth, accept: 'text/html' } });
      assert.equal(html.statusCode, 406);
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/qr' })).statusCode, 401);
      // The PNG's exact string signs in until the next QR replaces it.
      assert.equal((await qrLogin({ qr: first.qr })).statusCode, 401, 'version 1 was replaced');
      const current = await newQr(a);
      const login = await qrLogin({ qr: current.qr });
      assert.equal(login.statusCode, 200, login.body);
      assert.equal(login.json().user.id, a.userId);
      assert.equal((await qrLogin({ qr: encoded })).statusCode, 401, 'the PNG of version 2 stopped working too');
    });

    it('QR login refuses forged, foreign and malformed strings', async () => {
      const a = await registerAccount(t.app);
      const { qr, token } = await newQr(a);
      const [p, u, v, mac] = token.split('.') as [string, string, string, string];
      const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
      for (const bad of [
        `${p}.${u}.${v}.${flipped}`,
        `${p}.${u}.${Number(v) + 1}.${mac}`,
        `${p}.someone-else.${v}.${mac}`,
        'hello',
        qr + 'x',
      ]) {
        const res = await qrLogin({ qr: bad });
        assert.equal(res.statusCode, 401, bad);
        assert.equal(res.json().type, 'invalid_credentials');
      }
      assert.equal((await qrLogin({ qr: { $gt: '' } })).statusCode, 400);
      assert.equal((await qrLogin({ qr, extra: true })).statusCode, 400);
      assert.equal((await qrLogin({ qr: 'x'.repeat(600) })).statusCode, 400);
    });

    it('with a PIN, QR login needs the PIN too, with the same lockout', async () => {
      const a = await registerAccount(t.app);
      const setPin = await t.app.inject({
        method: 'PUT',
        url: '/api/users/me/pin',
        headers: a.auth,
        payload: { pin: '582901', password: a.password },
      });
      assert.equal(setPin.statusCode, 204);
      const { qr } = await newQr(a);
      const noPin = await qrLogin({ qr });
      assert.equal(noPin.statusCode, 401);
      assert.equal(noPin.json().type, 'pin_required');
      assert.equal((await qrLogin({ qr, pin: '000111' })).statusCode, 401);
      assert.equal((await qrLogin({ qr, pin: '582901' })).statusCode, 200);
      for (let i = 0; i < 5; i++) await qrLogin({ qr, pin: '000111' });
      assert.equal((await qrLogin({ qr, pin: '582901' })).statusCode, 423, 'locked across QR and PIN login');
      assert.equal(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/auth/pin-login',
            payload: { userId: a.userId, pin: '582901' },
          })
        ).statusCode,
        423,
      );
    });

    it('the emergency view shows only the chosen fields, is audited, and dies with its QR', async () => {
      const a = await registerAccount(t.app);
      await patch(a, CARD);
      const { token: qr } = await newQr(a);
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/emergency/${encodeURIComponent(qr)}`,
        headers: { 'user-agent': 'ParamedicPhone/1.0' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      const view = res.json();
      assert.deepEqual(Object.keys(view.card).sort(), [
        'allergies',
        'bloodType',
        'conditions',
        'emergencyContacts',
        'medications',
      ]);
      assert.equal(view.card.bloodType, 'O-');
      assert.equal(view.emergencyNumber, '112');
      assert.ok(!res.body.includes('Ada Lovelace') && !res.body.includes('inhaler') && !res.body.includes(a.email));
      // The owner narrows it.
      await patch(a, { emergencyFields: ['bloodType', 'name'] });
      const narrowed = (await t.app.inject({ method: 'GET', url: `/api/emergency/${qr}` })).json();
      assert.deepEqual(narrowed.card, { bloodType: 'O-', name: 'Ada Lovelace' });
      // Each view is on the owner's trail, with where it came from.
      const audit = (await t.app.inject({ method: 'GET', url: '/api/users/me/audit', headers: a.auth })).json();
      const views = audit.items.filter((e: { action: string }) => e.action === 'card.emergency_view');
      assert.equal(views.length, 2);
      assert.equal(views[1].actor, 'emergency');
      assert.equal(views[1].userAgent, 'ParamedicPhone/1.0');
      assert.equal(views[1].ip, '127.0.0.1');
      // A new QR: the old one no longer opens anything (and that attempt is audited too).
      await newQr(a);
      const old = await t.app.inject({ method: 'GET', url: `/api/emergency/${qr}` });
      assert.equal(old.statusCode, 404);
      assert.equal(await t.app.storage.auditLog.count({ subjectId: a.userId, action: 'qr.refused' }), 1);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/emergency/garbage' })).statusCode, 404);
    });

    it('the audit trail pages newest first with a cursor', async () => {
      const a = await registerAccount(t.app);
      for (let i = 0; i < 5; i++) await patch(a, { notes: `note ${i}` });
      const all = (await t.app.inject({ method: 'GET', url: '/api/users/me/audit?limit=100', headers: a.auth })).json()
        .items;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/users/me/audit?limit=2${cursor ? `&before=${cursor}` : ''}`;
        const page = (await t.app.inject({ method: 'GET', url, headers: a.auth })).json();
        seen.push(...page.items.map((e: { id: string }) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(
        seen,
        all.map((e: { id: string }) => e.id),
      );
      assert.ok(all.length >= 6);
      const times = all.map((e: { createdAt: string }) => e.createdAt);
      assert.deepEqual([...times].sort().reverse(), times);
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/users/me/audit?before=%7B%7D', headers: a.auth })).statusCode,
        400,
      );
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/users/me/audit?limit=1000', headers: a.auth })).statusCode,
        400,
      );
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/users/me/audit?evil=1', headers: a.auth })).statusCode,
        400,
      );
    });

    it('kind=views lists only responders’ views, kind=account the rest; each pages on its own', async () => {
      const a = await registerAccount(t.app);
      await patch(a, CARD);
      const { token: qr } = await newQr(a);
      for (let i = 0; i < 3; i++) {
        const view = await t.app.inject({ method: 'GET', url: `/api/emergency/${encodeURIComponent(qr)}` });
        assert.equal(view.statusCode, 200);
        // The owner's own sign-ins in between (newer than the views): the old page buried the views.
        const login = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: a.email, password: a.password },
        });
        assert.equal(login.statusCode, 200);
      }
      const get = async (query: string) => {
        const res = await t.app.inject({ method: 'GET', url: `/api/users/me/audit?${query}`, headers: a.auth });
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as { items: Array<{ id: string; action: string; actor: string }>; nextCursor: string | null };
      };
      const all = (await get('limit=100')).items;
      const views = (await get('kind=views&limit=100')).items;
      const account = (await get('kind=account&limit=100')).items;
      assert.deepEqual(
        views.map((e) => [e.action, e.actor]),
        Array.from({ length: 3 }, () => ['card.emergency_view', 'emergency']),
      );
      assert.ok(account.length > 3 && account.every((e) => !['card.emergency_view', 'qr.refused'].includes(e.action)));
      assert.ok(account.some((e) => e.action === 'auth.login' && e.actor === 'self'));
      assert.deepEqual(
        new Set([...views, ...account].map((e) => e.id)),
        new Set(all.map((e) => e.id)),
        'together they are the whole trail',
      );
      // The cursor pages within a kind.
      const first = await get('kind=views&limit=2');
      assert.equal(first.items.length, 2);
      const second = await get(`kind=views&limit=2&before=${first.nextCursor}`);
      assert.deepEqual(
        [...first.items, ...second.items].map((e) => e.id),
        views.map((e) => e.id),
      );
      assert.equal(second.nextCursor, null);
      // A scan of an old QR code is someone else's attempt: it is listed with the views.
      await newQr(a);
      assert.equal(
        (await t.app.inject({ method: 'GET', url: `/api/emergency/${encodeURIComponent(qr)}` })).statusCode,
        404,
      );
      assert.equal((await get('kind=views&limit=1')).items[0]?.action, 'qr.refused');
      assert.ok((await get('kind=account&limit=100')).items.some((e) => e.action === 'qr.regenerated'));
      const bad = await t.app.inject({ method: 'GET', url: '/api/users/me/audit?kind=secrets', headers: a.auth });
      assert.equal(bad.statusCode, 400);
      assert.match(String(bad.headers['content-type']), /application\/problem\+json/);
    });

    it('GET /api/users/me/card.fhir returns a FHIR R4 Bundle', async () => {
      const a = await registerAccount(t.app);
      await patch(a, CARD);
      const res = await t.app.inject({ method: 'GET', url: '/api/users/me/card.fhir', headers: a.auth });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
      const bundle = res.json();
      assert.equal(bundle.resourceType, 'Bundle');
      assert.equal(bundle.type, 'collection');
      const types = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
      for (const rt of [
        'Patient',
        'AllergyIntolerance',
        'Condition',
        'MedicationStatement',
        'Observation',
        'Immunization',
      ]) {
        assert.ok(types.includes(rt), rt);
      }
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/users/me/card.fhir' })).statusCode, 401);
    });

    it('user B can neither read nor change user A’s card, QR, audit trail or role', async () => {
      const a = await registerAccount(t.app);
      const b = await registerAccount(t.app);
      await patch(a, CARD);
      const aBefore = (await getMe(a)).json();
      const aAudit = (
        await t.app.inject({ method: 'GET', url: '/api/users/me/audit?limit=100', headers: a.auth })
      ).json();
      // B's own routes only ever address B.
      const bMe = (await getMe(b)).json();
      assert.equal(bMe.user.id, b.userId);
      assert.ok(!JSON.stringify(bMe).includes('Penicillin'));
      await patch(b, { name: 'Mallory', allergies: [{ substance: 'Latex' }] });
      await newQr(b);
      const bAudit = (
        await t.app.inject({ method: 'GET', url: '/api/users/me/audit?limit=100', headers: b.auth })
      ).json();
      assert.ok(bAudit.items.every((e: { id: string }) => !aAudit.items.some((x: { id: string }) => x.id === e.id)));
      // No route takes another user's id for card data; the ones that take an id refuse B.
      assert.equal(
        (await t.app.inject({ method: 'GET', url: `/api/users/${a.userId}`, headers: b.auth })).statusCode,
        404,
      );
      assert.equal(
        (
          await t.app.inject({
            method: 'PATCH',
            url: `/api/users/${a.userId}`,
            headers: b.auth,
            payload: { name: 'x' },
          })
        ).statusCode,
        404,
      );
      assert.equal(
        (
          await t.app.inject({
            method: 'PATCH',
            url: `/api/admin/users/${a.userId}/role`,
            headers: b.auth,
            payload: { role: 'patient' },
          })
        ).statusCode,
        403,
      );
      // A user id in a body is refused, not honoured.
      assert.equal((await patch(b, { userId: a.userId, name: 'x' })).statusCode, 400);
      // A's QR is A's: B cannot make one for A, and A's card is as it was.
      const aAfter = (await getMe(a)).json();
      assert.deepEqual(aAfter, aBefore);
      const aAuditAfter = (
        await t.app.inject({ method: 'GET', url: '/api/users/me/audit?limit=100', headers: a.auth })
      ).json();
      assert.deepEqual(aAuditAfter, aAudit);
    });

    it('the assistant gets the card only with its owner’s consent', async () => {
      const a = await registerAccount(t.app);
      await patch(a, CARD);
      assert.equal(await t.app.services.cards.forAssistant(a.userId), null);
      await patch(a, { shareCardWithAssistant: true });
      const card = await t.app.services.cards.forAssistant(a.userId);
      assert.equal(card?.allergies[0]?.substance, 'Penicillin');
    });
  });
}

for (const engine of testEngines) {
  describe(`encryption key rotation on ${engine}`, () => {
    it('a card written under k1 still reads once k2 is put first, and moves to k2 on its next write', async () => {
      const k1 = `k1:${randomBytes(32).toString('base64')}`;
      const k2 = `k2:${randomBytes(32).toString('base64')}`;
      const mongoDb = `mct_${randomBytes(6).toString('hex')}`;
      const storage = await openStorage(
        engine === 'mongodb'
          ? { mongodbUri: mongoTestUri!, mongodbDb: mongoDb, dataDir: mkdtempSync(join(tmpdir(), 'medichat-rot-')) }
          : { dataDir: mkdtempSync(join(tmpdir(), 'medichat-rot-')) },
      );
      const db: Record<string, string> = engine === 'mongodb' ? { MONGODB_DB: mongoDb } : {};
      const before = await createIdentityTestApp(engine, { ENCRYPTION_KEYS: k1, ...db }, { storage });
      const email = uniqueEmail('rot');
      let userId: string;
      try {
        const a = await registerAccount(before.app, { email });
        userId = a.userId;
        await before.app.inject({ method: 'PATCH', url: '/api/users/me', headers: a.auth, payload: CARD });
      } finally {
        // Not before.close(): on MongoDB that drops the database the second app reads.
        await before.app.close();
        rmSync(before.dataDir, { recursive: true, force: true });
      }
      const after = await createIdentityTestApp(engine, { ENCRYPTION_KEYS: `${k2},${k1}`, ...db }, { storage });
      try {
        const login = await after.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email, password: GOOD_PASSWORD },
        });
        const auth = { authorization: `Bearer ${login.json().accessToken}` };
        const me = await after.app.inject({ method: 'GET', url: '/api/users/me', headers: auth });
        assert.equal(me.statusCode, 200, me.body);
        assert.deepEqual(me.json().card.allergies, CARD.allergies);
        const keyIds = async () =>
          new Set(
            Object.values((await storage.medicalCards.findOne({ userId }))!.data).map((e) => String(e).split('.')[1]),
          );
        assert.deepEqual(await keyIds(), new Set(['k1']));
        await after.app.inject({ method: 'PATCH', url: '/api/users/me', headers: auth, payload: { notes: 'rotated' } });
        assert.deepEqual(await keyIds(), new Set(['k2']), 'the whole card is re-encrypted with the new key');
        assert.equal(
          (await after.app.inject({ method: 'GET', url: '/api/users/me', headers: auth })).json().card.name,
          CARD.name,
        );
      } finally {
        await after.close();
        await storage.close();
      }
    });
  });
}
