/**
 * The package as npm sees it: every installed dependency accepts the oldest Node the package
 * declares (kysely 0.29 wanted Node 22 while we run on 20), and the package's npm name is ours
 * (`aviary` on the registry is another project, which `npx aviary` outside a checkout would run).
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string; bin: Record<string, string>; engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };

describe('packaging', () => {
  it('declares a Node range whose oldest version, and the Node running the tests, every locked dependency accepts', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(semver.major(oldest)).toBe(20);
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (wanted === undefined) return [];
        return [oldest, process.versions.node].filter((v) => !semver.satisfies(v, wanted)).map((v) => `${path}@${entry.version} wants node ${wanted}, not ${v}`);
      });
    expect(refusing).toEqual([]);
  });

  it('is named for itself on npm and installs the aviary command', () => {
    expect(pkg.name).toBe('aviary-alerts');
    expect(lock.packages['']).toMatchObject({ name: 'aviary-alerts' });
    expect(pkg.bin).toEqual({ aviary: 'bin/aviary.js' });
  });
});
