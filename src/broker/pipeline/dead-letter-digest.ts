/**
 * The reasons a run's dead letters were made, grouped so the summary can say them on the
 * terminal: "64 x prv_candidates[3].candid is not an exact integer: 3200427005815015000 (first:
 * alerts.parquet, row 12)". Reasons that differ only in their numbers (the value, the index)
 * share a group; the first one met is shown. Memory stays bounded whatever the run: past
 * MAX_GROUPS distinct reasons a scope's further ones are only counted.
 */
export interface DeadLetterGroup {
  /** `source`: alerts that could not be read or stored; else the name of the module that failed them. */
  readonly scope: DeadLetterScope;
  readonly count: number;
  /** The first reason of the group, as it was. */
  readonly reason: string;
  /** Where the first one was: a file and position, or an alert id. */
  readonly first: string;
}

export type DeadLetterScope = { readonly kind: 'source' } | { readonly kind: 'module'; readonly module: string };

const MAX_GROUPS = 50;
const NUMBERS = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi;

export class DeadLetterDigest {
  private readonly groups = new Map<string, { scope: DeadLetterScope; count: number; reason: string; first: string }>();
  private readonly scopes = new Map<string, DeadLetterScope>();
  /** Groups per scope, by the scope's key ('' for the source, `module:<name>`). */
  private readonly perScope = new Map<string, number>();
  private readonly uncounted = new Map<string, number>();

  add(scope: DeadLetterScope, reason: string, where: string): void {
    const scopeKey = keyOf(scope);
    if (!this.scopes.has(scopeKey)) this.scopes.set(scopeKey, scope);
    const firstLine = reason.split('\n')[0]!;
    const key = `${scopeKey}\u0000${firstLine.replace(NUMBERS, '#')}`;
    const group = this.groups.get(key);
    if (group) {
      group.count += 1;
      return;
    }
    const groups = this.perScope.get(scopeKey) ?? 0;
    if (groups >= MAX_GROUPS) {
      this.uncounted.set(scopeKey, (this.uncounted.get(scopeKey) ?? 0) + 1);
      return;
    }
    this.perScope.set(scopeKey, groups + 1);
    this.groups.set(key, { scope, count: 1, reason: firstLine, first: where });
  }

  /** The groups, most frequent first within each scope; dead letters past the bound as one "other reasons" group. */
  summary(): DeadLetterGroup[] {
    const out: DeadLetterGroup[] = [...this.groups.values()].map((g) => ({ ...g }));
    for (const [scopeKey, count] of this.uncounted) out.push({ scope: this.scopes.get(scopeKey)!, count, reason: 'other reasons', first: '' });
    // The source's first, then the modules as they were first met.
    const order = [...this.scopes.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0));
    return out.sort((a, b) => order.indexOf(keyOf(a.scope)) - order.indexOf(keyOf(b.scope)) || b.count - a.count);
  }
}

const keyOf = (scope: DeadLetterScope) => (scope.kind === 'source' ? '' : `module:${scope.module}`);
