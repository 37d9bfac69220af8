import { listApiClients } from '../clients/client-store.ts';
import { revokeClient, rotateClientKey } from '../clients/client-keys.ts';
import { createPool } from '../platform/db.ts';
import { databaseUrlOf, type CliCommand } from './command.ts';

const usage =
  'postbud clients list | revoke <clientId> | rotate <clientId> — API clients; rotate prints the new key once';

/**
 * The operators' way to revoke a client or rotate its key without an admin key at hand (e.g.
 * when the admin key itself leaked). Audited like the admin API, with the command as the actor.
 */
export const clientsCommand: CliCommand = {
  usage,
  async run(args, env) {
    const [action, id] = args;
    if (action !== 'list' && !((action === 'revoke' || action === 'rotate') && id && args.length === 2)) {
      throw new Error(`usage: ${usage}`);
    }
    const db = createPool(databaseUrlOf(env), 2);
    try {
      if (action === 'list') {
        for (const client of await listApiClients(db)) {
          console.log(
            [client.id, client.active ? 'active' : 'revoked', client.roles.join(','), client.name].join('\t'),
          );
        }
      } else if (action === 'revoke') {
        const { client, alreadyRevoked } = await revokeClient(db, id!, { id: null, name: 'postbud clients revoke' });
        console.log(`${alreadyRevoked ? 'already revoked' : 'revoked'}: ${client.id} (${client.name})`);
      } else {
        const { client, key } = await rotateClientKey(db, id!, { id: null, name: 'postbud clients rotate' });
        // The only time the key is shown: on stdout, for the operator to hand over.
        console.log(`new key for ${client.id} (${client.name}); the old key is refused from now on:`);
        console.log(key);
      }
    } finally {
      await db.end();
    }
  },
};
