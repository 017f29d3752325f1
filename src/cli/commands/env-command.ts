/** `aviary env ...`: the Python environments models run in (built per model spec, cached by hash). */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { consoleLogger } from '../../common/logger.js';
import { CacheLayout, defaultCacheRoot } from '../../runtime/environments/cache-layout.js';
import { formatBytes } from '../../runtime/environments/disk-usage.js';
import { listEnvironments, pruneEnvironments, type CachedEnvironment } from '../../runtime/environments/environment-cache.js';
import { requirementName } from '../../runtime/environments/spec-hash.js';
import { UvEnvironmentBuilder } from '../../runtime/environments/uv-environment-builder.js';
import { readMlModel } from '../../runtime/model-format/read-ml-model.js';
import { readModelEnvironment } from '../../runtime/model-format/read-model-environment.js';
import { fetchModel, isModelUri } from '../../runtime/model-source.js';
import { addStoreOptions } from '../store-options.js';
import { runCommand } from '../run-command.js';
import { addTrackingUriOption, openModelStore, type OpenedModelStore, type TrackingUriOptions } from '../tracking-uri-options.js';

interface CacheOptions {
  cacheDir?: string;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const cacheRootOf = (opts: CacheOptions) => (opts.cacheDir ? resolve(opts.cacheDir) : defaultCacheRoot());
const withCacheDir = (command: Command) =>
  command.option('--cache-dir <dir>', 'the environment cache (default: ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/aviary})');

export function envCommand(): Command {
  const env = new Command('env').description('Build, list and prune the Python environments models run in');
  env.addCommand(
    withCacheDir(addTrackingUriOption(addStoreOptions(new Command('build'))))
      .description("Build (or find cached) the Python environment of a model from its own environment files; prints the environment's folder")
      .argument('<uri-or-folder>', 'a model folder, or models:/name@alias, models:/name/<version>, models:/m-<id>, runs:/<run id>/<path>')
      .action((target: string, opts: TrackingUriOptions & CacheOptions) => runCommand(() => build(target, opts))),
  );
  env.addCommand(
    withCacheDir(new Command('list'))
      .description('List the cached environments: hash, Python, size, created, last used, builder, key packages')
      .action((opts: CacheOptions) => runCommand(() => list(opts))),
  );
  env.addCommand(
    withCacheDir(new Command('prune'))
      .description('Remove environments not used for a while (never one being built) and leftovers of interrupted builds')
      .option('--older-than <age>', 'remove environments last used longer ago than this: 30d, 12h, 2w, 90m (default 30d)')
      .option('--all', 'remove every environment')
      .option('--dry-run', 'only print what would be removed')
      .action((opts: CacheOptions & { olderThan?: string; all?: boolean; dryRun?: boolean }) => runCommand(() => prune(opts))),
  );
  return env;
}

async function build(target: string, opts: TrackingUriOptions & CacheOptions): Promise<void> {
  let store: OpenedModelStore | undefined;
  try {
    if (isModelUri(target)) store = await openModelStore(opts, consoleLogger('env'));
    const model = await fetchModel(target, store);
    try {
      const environment = await readModelEnvironment(await readMlModel(model.dir));
      if (!environment) {
        say(`${target}: an ONNX model without a python_function flavor runs in-process; it needs no Python environment`);
        return;
      }
      environment.warnings.forEach((w) => say(`warning: ${w}`));
      const { spec } = environment;
      say(`${target}: Python ${spec.python}, ${spec.requirements.length} requirements (from ${environment.source})`);
      const builder = new UvEnvironmentBuilder({ cacheRoot: cacheRootOf(opts), useUv: process.env.AVIARY_NO_UV !== '1' });
      const built = await builder.build(spec, (e) => say(`[${(e.elapsedMs / 1000).toFixed(1).padStart(5)}s] ${e.phase}: ${e.message}`));
      process.stdout.write(`${built.dir}\n`);
    } finally {
      await model.dispose();
    }
  } finally {
    await store?.close();
  }
}

async function list(opts: CacheOptions): Promise<void> {
  const layout = new CacheLayout(cacheRootOf(opts));
  const envs = await listEnvironments(layout);
  if (envs.length === 0) {
    say(`no environments in ${layout.envs}`);
    return;
  }
  const rows = envs.map((e) => [
    e.hash,
    e.marker?.python.version ?? '-',
    formatBytes(e.usage.bytes),
    e.marker ? formatDate(new Date(e.marker.created)) : '-',
    e.lastUsed ? formatDate(e.lastUsed) : e.state,
    e.marker?.builder ?? '-',
    e.marker ? keyPackages(e) : `(${e.state})`,
  ]);
  const table = [['HASH', 'PYTHON', 'SIZE', 'CREATED', 'LAST USED', 'BUILDER', 'PACKAGES'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
  const total = envs.reduce((sum, e) => sum + e.usage.bytes, 0);
  say(`${envs.length} environment${envs.length === 1 ? '' : 's'}, ${formatBytes(total)} in ${layout.envs}`);
}

async function prune(opts: CacheOptions & { olderThan?: string; all?: boolean; dryRun?: boolean }): Promise<void> {
  const layout = new CacheLayout(cacheRootOf(opts));
  const olderThanMs = opts.all ? undefined : parseAge(opts.olderThan ?? '30d');
  const result = await pruneEnvironments(layout, { all: opts.all, olderThanMs, dryRun: opts.dryRun });
  const verb = opts.dryRun ? 'would remove' : 'removed';
  for (const e of result.removed) {
    const what = e.marker ? `Python ${e.marker.python.version}, last used ${e.lastUsed ? formatDate(e.lastUsed) : '-'}` : `${e.state} build`;
    process.stdout.write(`${verb} ${e.hash} (${what}, ${formatBytes(e.usage.bytes)})\n`);
  }
  for (const { env, reason } of result.skipped) process.stdout.write(`kept ${env.hash}: ${reason}\n`);
  const shared = result.removed.reduce((sum, e) => sum + e.usage.bytes, 0) - result.freed;
  const sharedNote = shared > 0 ? `; ${formatBytes(shared)} more is shared with uv's wheel cache` : '';
  const count = `${result.removed.length} environment${result.removed.length === 1 ? '' : 's'}`;
  const summary = opts.dryRun ? `${count} would be removed, freeing ${formatBytes(result.freed)}` : `${count} removed, ${formatBytes(result.freed)} freed`;
  say(`${summary}${sharedNote}`);
}

/** "30d", "12h", "2w", "90m", "45s"; a bare number is days. */
export function parseAge(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhdw]?)$/.exec(text.trim());
  if (!match) throw new Error(`--older-than: "${text}" is not an age (e.g. 30d, 12h, 2w, 90m)`);
  const seconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, '': 86400 };
  return Number(match[1]) * seconds[match[2]!]! * 1000;
}

const BUILD_PACKAGES = new Set(['pip', 'setuptools', 'wheel']);
/** Listed after the rest: almost every model has them, so they say little about which one this is. */
const COMMON_PACKAGES = new Set(['mlflow', 'mlflow-skinny', 'cloudpickle', 'numpy', 'pandas', 'scipy', 'pyarrow', 'pytest']);

function keyPackages(env: CachedEnvironment): string {
  const named = (env.marker?.spec.requirements ?? []).flatMap((line) => {
    const name = requirementName(line);
    return name === undefined || BUILD_PACKAGES.has(name) ? [] : [{ line, common: COMMON_PACKAGES.has(name) }];
  });
  const packages = [...named.filter((p) => !p.common), ...named.filter((p) => p.common)].map((p) => p.line);
  const shown = packages.slice(0, 4).join(' ');
  return packages.length > 4 ? `${shown} (+${packages.length - 4} more)` : shown || '(none)';
}

function formatDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
