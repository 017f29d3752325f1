/**
 * The order science modules run in: levels, each module in the first level after every module
 * it reads. Modules of one level do not depend on each other, so they run side by side.
 */

export interface ModuleDependencies {
  readonly name: string;
  readonly reads: readonly string[];
}

/** A module reads itself, directly or through others. */
export class ModuleCycleError extends Error {
  override readonly name = 'ModuleCycleError';
  constructor(
    /** The cycle, its first module repeated at the end: ["a", "b", "a"]. */
    readonly cycle: readonly string[],
  ) {
    super(`modules read each other in a cycle: ${cycle.join(' -> ')}`);
  }
}

/** The modules' names by level, each level in the order given. Every name read must be a module. */
export function moduleLevels(modules: readonly ModuleDependencies[]): string[][] {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const level = new Map<string, number>();
  const visiting: string[] = [];
  const visit = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const at = visiting.indexOf(name);
    if (at >= 0) throw new ModuleCycleError([...visiting.slice(at), name]);
    const module = byName.get(name);
    if (!module) throw new Error(`no module is named ${name}`);
    visiting.push(name);
    const depth = module.reads.reduce((deepest, read) => Math.max(deepest, visit(read) + 1), 0);
    visiting.pop();
    level.set(name, depth);
    return depth;
  };
  modules.forEach((m) => visit(m.name));
  const levels: string[][] = [];
  for (const m of modules) (levels[level.get(m.name)!] ??= []).push(m.name);
  return levels;
}
