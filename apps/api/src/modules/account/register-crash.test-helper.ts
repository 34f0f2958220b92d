/**
 * A registration load process for the crash test: opens the storage (SQLite in <dataDir>, or
 * MongoDB at <mongoUri>/<mongoDb>), then creates accounts with <concurrency> in flight for ever,
 * printing `ok <email>` once each createAccount has resolved (the acknowledgement a client would
 * get). The test kills it with SIGKILL at a random moment.
 *
 *   node --import tsx register-crash.test-helper.ts <dataDir> <mongoUri|-> <mongoDb> <prefix> <concurrency>
 */
import { loadConfig } from '../../config/config.js';
import { buildAccounts } from '../../container.js';
import { openStorage } from '../../engines/storage/index.js';

const [dataDir, mongoUri, mongoDb, prefix, concurrency] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const config = loadConfig({ DATA_DIR: dataDir, PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_TIME_COST: '1' });
const storage = await openStorage(
  mongoUri === '-' ? { dataDir } : { dataDir, mongodbUri: mongoUri, mongodbDb: mongoDb },
);
const { accounts } = buildAccounts({ storage, config });
let n = 0;
process.stdout.write('ready\n');
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    for (;;) {
      const email = `${prefix}-${++n}@example.org`;
      await accounts.createAccount({ email, password: 'violet-harbour-lantern-42' });
      process.stdout.write(`ok ${email}\n`);
    }
  }),
);
