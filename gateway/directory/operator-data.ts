import { withoutOperatorData } from '../audit/audit-redaction.ts';
import type { ApiClient } from '../clients/client-store.ts';

/** Admins see mailbox endpoints; every other reader of the directory and its history does not. */
export function operatorDataFor<T>(client: Pick<ApiClient, 'roles'>, value: T): T {
  return client.roles.includes('admin') ? value : withoutOperatorData(value).value;
}
