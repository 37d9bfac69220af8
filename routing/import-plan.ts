import type { DirectoryImportColumn } from '../schemas/directory.ts';
import type { ImportCandidate, ImportRejection } from './import-rows.ts';

/**
 * The checks that need the whole file and the directory: a SOR id twice in the file, a parent
 * or successor that exists nowhere, and a parent chain that loops. Parents may come after their
 * children in the file. A rejected row takes down the rows that depend on it, so an import never
 * leaves a unit hanging under a parent that was not written.
 */

export interface ImportPlan {
  accepted: ImportCandidate[];
  rejected: ImportRejection[];
}

/** The directory as the plan needs it: every SOR id with its parent. */
export type DirectoryParents = ReadonlyMap<string, string | null>;

export function planImport(
  candidates: readonly ImportCandidate[],
  present: ReadonlySet<DirectoryImportColumn>,
  directory: DirectoryParents,
): ImportPlan {
  const rejected: ImportRejection[] = [];
  const reject = (candidate: ImportCandidate, reason: string) =>
    rejected.push({ line: candidate.line, sorId: candidate.row.sorId, reason });

  const bySorId = new Map<string, ImportCandidate>();
  for (const candidate of candidates) {
    const { sorId, parentSorId, successorSorId } = candidate.row;
    const earlier = bySorId.get(sorId);
    if (earlier) reject(candidate, `SOR ${sorId} is already on line ${earlier.line}`);
    else if (parentSorId === sorId) reject(candidate, 'parentSorId is the mailbox itself');
    else if (successorSorId === sorId) reject(candidate, 'successorSorId is the mailbox itself');
    else bySorId.set(sorId, candidate);
  }

  // Without a parentSorId column an existing mailbox keeps its parent and a new one has none.
  const parentOf = (sorId: string): string | null | undefined => {
    const candidate = bySorId.get(sorId);
    if (candidate)
      return present.has('parentSorId') ? (candidate.row.parentSorId ?? null) : (directory.get(sorId) ?? null);
    return directory.get(sorId);
  };
  // A row that is dropped falls back to the directory (its old parent, if any), which can close
  // a loop or orphan a child, so both checks repeat until nothing more is dropped.
  const rejectedLines = new Map<string, number>();
  const drop = (candidate: ImportCandidate, reason: string) => {
    bySorId.delete(candidate.row.sorId);
    rejectedLines.set(candidate.row.sorId, candidate.line);
    reject(candidate, reason);
  };
  const known = (sorId: string) => bySorId.has(sorId) || directory.has(sorId);
  const missing = (sorId: string, what: string) => {
    const line = rejectedLines.get(sorId);
    return line === undefined
      ? `${what} ${sorId} is neither in the directory nor in the file`
      : `${what} ${sorId} is rejected (line ${line})`;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const candidate of [...bySorId.values()]) {
      const { parentSorId, successorSorId } = candidate.row;
      if (typeof parentSorId === 'string' && !known(parentSorId)) drop(candidate, missing(parentSorId, 'parent'));
      else if (typeof successorSorId === 'string' && !known(successorSorId))
        drop(candidate, missing(successorSorId, 'successor'));
      else continue;
      changed = true;
    }
    for (const cycle of parentCycles(bySorId.keys(), parentOf)) {
      const description = [...cycle, cycle[0]].join(' → ');
      for (const sorId of cycle) {
        const candidate = bySorId.get(sorId);
        if (!candidate) continue;
        drop(candidate, `the parent chain loops back to itself: ${description}`);
        changed = true;
      }
    }
  }

  return {
    accepted: candidates.filter((candidate) => bySorId.get(candidate.row.sorId) === candidate),
    rejected: rejected.sort((a, b) => a.line - b.line),
  };
}

/** Each loop in the parent relation reachable from `start`, as the SOR ids on it. */
function parentCycles(start: Iterable<string>, parentOf: (sorId: string) => string | null | undefined): string[][] {
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const origin of start) {
    const trail: string[] = [];
    const onTrail = new Map<string, number>();
    let current: string | null | undefined = origin;
    while (current && !done.has(current)) {
      const at = onTrail.get(current);
      if (at !== undefined) {
        cycles.push(trail.slice(at));
        break;
      }
      onTrail.set(current, trail.length);
      trail.push(current);
      current = parentOf(current);
    }
    for (const sorId of trail) done.add(sorId);
  }
  return cycles;
}
