import { parseArgs } from 'node:util';
import { sealAuditTrail } from '../audit/audit-sealer.ts';
import { parseVerifyBound, verifyAuditChain } from '../audit/audit-verify.ts';
import { createPool } from '../platform/db.ts';
import { databaseUrlOf, type CliCommand } from './command.ts';

/**
 * `postbud audit verify [--from <seq|time>] [--to <seq|time>]`: seals pending events, recomputes the hash chain and
 * prints `{ ok, checked, firstBrokenSeq? }` as JSON; exit code 1 when the chain is broken, so a
 * nightly job can alarm on it.
 */
export const auditCommand: CliCommand = {
  usage:
    'postbud audit verify [--from <seq|time>] [--to <seq|time>] — recompute the audit hash chain; exit 1 if broken',
  async run(args, env) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { from: { type: 'string' }, to: { type: 'string' } },
    });
    if (positionals.join(' ') !== 'verify')
      throw new Error(`unknown subcommand "${positionals.join(' ')}"; try: postbud audit verify`);
    const from = parseVerifyBound(values.from);
    const to = parseVerifyBound(values.to);
    const db = createPool(databaseUrlOf(env), 2);
    try {
      const started = process.hrtime.bigint();
      // Events no gateway has sealed yet (none running, say) join the chain before it is checked.
      await sealAuditTrail(db);
      const result = await verifyAuditChain(db, {
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(JSON.stringify({ ...result, seconds: Math.round(seconds * 1000) / 1000 }));
      if (!result.ok) process.exitCode = 1;
    } finally {
      await db.end();
    }
  },
};
