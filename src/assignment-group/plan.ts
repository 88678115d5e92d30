/**
 * What a write must do to make SSO Admin match a group, decided from sets of assignment keys (declaration.ts).
 * Pure: the handlers gather the sets (the declaration, the state table, SSO Admin) and carry the plan out.
 *
 * Ownership rules (issue 12):
 * - an assignment the group creates is owned; one that existed when the group needed it is not, unless
 *   AdoptExisting is true;
 * - an owned assignment the group no longer declares is deleted only when no other group declares it; otherwise
 *   its ownership passes to a group that does, so that nothing is left behind when the last declaring group goes;
 * - an owned assignment found missing is created again (drift repair).
 */
export interface PlanInput {
  /** What the group declares now (empty for DELETE). */
  readonly desired: ReadonlySet<string>;
  /** What the group owns according to its state. */
  readonly owned: ReadonlySet<string>;
  /** Which of desired ∪ owned exist in SSO Admin now. */
  readonly existing: ReadonlySet<string>;
  /** For each assignment another group (same instance) declares: one such group's Name. */
  readonly declaredByOthers: ReadonlyMap<string, string>;
  readonly adoptExisting: boolean;
}

export interface Plan {
  /** Declared and absent: create, then own. Sorted. */
  readonly create: readonly string[];
  /** Declared, present and not owned, with AdoptExisting: own without a write. */
  readonly adopt: readonly string[];
  /** Owned, no longer declared, declared by no other group, present: delete. Sorted. */
  readonly remove: readonly string[];
  /** Owned, no longer declared, declared by another group: that group owns it from now on. */
  readonly handOver: ReadonlyMap<string, string>;
  /** Owned, no longer declared, already absent: forget without a write (deleting it would FAIL). */
  readonly forget: readonly string[];
  /** What the group owns once the plan is carried out (if every write succeeds). */
  readonly ownedAfter: ReadonlySet<string>;
}

export function plan(input: PlanInput): Plan {
  const create: string[] = [];
  const adopt: string[] = [];
  for (const key of input.desired) {
    if (!input.existing.has(key)) create.push(key);
    else if (input.adoptExisting && !input.owned.has(key)) adopt.push(key);
  }
  const remove: string[] = [];
  const forget: string[] = [];
  const handOver = new Map<string, string>();
  for (const key of input.owned) {
    if (input.desired.has(key)) continue;
    const other = input.declaredByOthers.get(key);
    if (other !== undefined) handOver.set(key, other);
    else if (input.existing.has(key)) remove.push(key);
    else forget.push(key);
  }
  const ownedAfter = new Set<string>();
  for (const key of input.owned) if (input.desired.has(key)) ownedAfter.add(key);
  for (const key of [...create, ...adopt]) ownedAfter.add(key);
  return { create: create.sort(), adopt: adopt.sort(), remove: remove.sort(), handOver, forget, ownedAfter };
}

/** Whether carrying the plan out writes nothing to SSO Admin and changes no ownership. */
export function isEmptyPlan(planned: Plan): boolean {
  return (
    planned.create.length === 0 &&
    planned.adopt.length === 0 &&
    planned.remove.length === 0 &&
    planned.handOver.size === 0 &&
    planned.forget.length === 0
  );
}
