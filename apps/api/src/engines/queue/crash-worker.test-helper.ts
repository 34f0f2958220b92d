/**
 * A BullMQ consumer process for the contract suite's crash test: it takes one job of `<name>`,
 * prints `started <jobId>` and then hangs until it is killed (the test sends SIGKILL), so the job is
 * left active with a lock nobody renews.
 *
 *   node --import tsx crash-worker.test-helper.ts <redisUrl> <prefix> <name> <lockDurationMs>
 */
import { BullmqQueue } from './bullmq.js';
import { createRegistry } from './registry.js';

const [url, prefix, name, lock] = process.argv.slice(2) as [string, string, string, string];
const registry = createRegistry(
  [
    {
      name,
      async handle(_data, ctx) {
        process.stdout.write(`started ${ctx.jobId} attempt ${ctx.attempt}\n`);
        await new Promise(() => setInterval(() => undefined, 1000));
      },
    },
  ],
  [name],
);
await BullmqQueue.open({ url, prefix, names: [name], registry, lockDurationMs: Number(lock) });
process.stdout.write('ready\n');
