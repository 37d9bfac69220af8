import type { Role } from './client-store.ts';

/**
 * Role mixes that widen what one key can see beyond what each role is for: an adapter reads the
 * XML of every letter to deliver it, so an adapter key with any other role would let a sending
 * system, an admin or an auditor read every letter; an auditor who also sends or delivers would
 * audit their own letters. Such keys are refused.
 */
export function roleMixProblem(roles: readonly Role[]): string | undefined {
  const has = (role: Role) => roles.includes(role);
  if (has('adapter') && roles.some((role) => role !== 'adapter'))
    return 'An adapter key may have no other role: it reads every letter.';
  if (has('auditor') && has('sender'))
    return 'An auditor key may not also send: an auditor must not audit their own letters.';
  return undefined;
}
