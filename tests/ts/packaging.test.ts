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

/**
 * Declared for Node 22 but run by the Kafka client on Node 20: @platformatic/kafka 1.35.0 itself
 * accepts Node >= 20.19.4 (its 2.x needs 22), its two helpers declare >= 22.19. The Kafka tests
 * (tests/ts/kafka/) exercise them on the Node that runs the tests; a new version is not let in
 * silently: the exception names the exact versions.
 */
const DECLARED_FOR_NODE_22_RUN_ON_20 = new Set(['node_modules/@platformatic/dynamic-buffer@0.3.1', 'node_modules/@platformatic/wasm-utils@0.2.1']);

describe('packaging', () => {
  it('declares a Node range whose oldest version, and the Node running the tests, every locked dependency accepts', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(semver.major(oldest)).toBe(20);
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (wanted === undefined || DECLARED_FOR_NODE_22_RUN_ON_20.has(`${path}@${entry.version}`)) return [];
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
