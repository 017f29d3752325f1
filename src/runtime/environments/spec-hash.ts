/**
 * The cache key of an environment: a content hash of its normalised spec. Two specs that differ
 * only in Python patch version, order, duplicates, comments, spacing or the spelling of package
 * names (`Scikit_Learn` / `scikit-learn`) share one environment.
 */
import { createHash } from 'node:crypto';
import type { EnvironmentSpec } from '../environment-builder.js';

/** Bumped when the layout of a built environment changes, so old ones are not reused. */
const LAYOUT_VERSION = 1;

export interface NormalisedSpec {
  /** major.minor, e.g. "3.11". */
  readonly python: string;
  readonly requirements: readonly string[];
  readonly constraints: readonly string[];
}

export function normaliseSpec(spec: EnvironmentSpec): NormalisedSpec {
  return {
    python: pythonMinor(spec.python),
    requirements: normaliseLines(spec.requirements),
    constraints: normaliseLines(spec.constraints ?? []),
  };
}

export function specHash(spec: NormalisedSpec): string {
  const key = JSON.stringify({ layout: LAYOUT_VERSION, platform: process.platform, arch: process.arch, ...spec });
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** "3.11.7" -> "3.11"; throws on anything that is not a Python version. */
export function pythonMinor(version: string): string {
  const match = /^\s*(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`"${version}" is not a Python version (expected e.g. 3.11 or 3.11.7)`);
  return `${match[1]}.${match[2]}`;
}

function normaliseLines(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    const text = line.replace(/(^|\s)#.*$/, '').trim();
    if (text) out.add(normaliseRequirement(text));
  }
  return [...out].sort();
}

/** PEP 503 name, no spaces in the specifier, the environment marker kept with single spaces. */
export function normaliseRequirement(line: string): string {
  if (line.startsWith('-')) return line.replace(/\s+/g, ' ');
  const semicolon = line.indexOf(';');
  const requirement = (semicolon < 0 ? line : line.slice(0, semicolon)).replace(/\s+/g, '');
  const marker = semicolon < 0 ? '' : `; ${line.slice(semicolon + 1).trim().replace(/\s+/g, ' ')}`;
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? '';
  return `${name.toLowerCase().replace(/[-_.]+/g, '-')}${requirement.slice(name.length)}${marker}`;
}

/** The package a requirement line names (PEP 503 form), or undefined for option lines. */
export function requirementName(line: string): string | undefined {
  if (line.trim().startsWith('-')) return undefined;
  const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
  return name?.toLowerCase().replace(/[-_.]+/g, '-');
}
