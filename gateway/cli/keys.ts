import { loadConfig } from '../platform/config.ts';
import { createVault } from '../platform/crypto.ts';
import { createPool } from '../platform/db.ts';
import { rotateDataKeys } from '../letters/key-rotation.ts';
import { runAsSingleton } from '../platform/singleton-lease.ts';
import type { CliCommand } from './command.ts';

export const keysCommand: CliCommand = {
  usage:
    'postbud keys rotate — re-encrypt stored letters under the first key of POSTBUD_DATA_KEY (keep the old keys listed after it)',
  async run(args, env) {
    if (args[0] !== 'rotate') throw new Error('usage: postbud keys rotate');
    const config = loadConfig(env);
    const db = createPool(config.databaseUrl, 2);
    try {
      const rotate = () => rotateDataKeys(db, createVault(config), { id: null, name: 'postbud keys rotate' });
      // Two rotations at once would each re-encrypt what the other just did.
      const report = await runAsSingleton(config.databaseUrl, 'postbud key rotation', rotate);
      console.log(
        `re-encrypted under ${config.dataKeys[0]!.id}: ${report.letters} letters, ${report.chunks} attachment chunks`,
      );
    } finally {
      await db.end();
    }
  },
};
