/**
 * `aviary modules compare | promote`: a module's champion against its shadow aliases on the
 * stored alerts, and the promotion of a shadow's version to the alias the module follows. The
 * module is read from the latest broker run that had it, or from --config.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { openAviary } from '../../app/open-aviary.js';
import { compareStoredModule, type CompareOptions } from '../../broker/comparison/compare-stored-module.js';
import { comparedModuleFromConfig, comparedModuleFromRuns, type ComparedModule } from '../../broker/comparison/compared-module.js';
import { onlyShadow, promoteShadow, promotionLine, type AliasRegistry } from '../../broker/comparison/promote-shadow.js';
import { loadBrokerConfig } from '../../broker/config/load-broker-config.js';
import type { AlertStore } from '../../broker/store/alert-store.js';
import { MAX_COMPARISON_ROWS } from '../../broker/store/comparison-rows.js';
import { toExactJson } from '../../common/exact-json.js';
import { consoleLogger } from '../../common/logger.js';
import { restAliasRegistry } from '../../runtime/remote-model-store/rest-alias-registry.js';
import { TrackingServerClient } from '../../runtime/remote-model-store/tracking-server-client.js';
import { runCommand } from '../run-command.js';
import { addStoreOptions, alertStoreOption, configFromOptions } from '../store-options.js';
import { addTrackingUriOption, trackingServerOf, type TrackingUriOptions } from '../tracking-uri-options.js';
import { withAlertStore } from '../with-alert-store.js';
import { formatComparison } from './comparison-format.js';

interface ModulesOptions extends TrackingUriOptions {
  alias?: string;
  config?: string;
  json?: boolean;
}

interface CompareCliOptions extends ModulesOptions {
  output?: string;
  threshold?: string;
  labels?: string;
  positive?: string;
  limit?: string;
}

export function modulesCommand(): Command {
  const modules = new Command('modules').description("compare a broker module's champion with its shadow aliases, and promote one");
  modules.addCommand(
    withOptions(new Command('compare'))
      .description('champion against each shadow alias over the stored alerts both scored: agreement, correlation, distributions, disagreements, label metrics')
      .argument('<module>', 'the module, as named in broker.yaml')
      .option('--alias <alias>', 'only this shadow alias (default: every shadow of the module)')
      .option('--output <name>', "the numeric output compared (default: the module's first)")
      .option('--threshold <score>', 'a score at or above it says yes', '0.5')
      .option('--labels <file>', 'the truth: a labels file as `aviary simulate` writes (_labels.jsonl); needs --positive')
      .option('--positive <class>', 'the class counted as positive in --labels')
      .option('--limit <n>', `most alerts compared, the most recently stored first (1-${MAX_COMPARISON_ROWS})`)
      .action((module: string, opts: CompareCliOptions) => runCommand(() => compare(module, opts), { json: opts.json })),
  );
  modules.addCommand(
    addTrackingUriOption(withOptions(new Command('promote')), ['backendStoreUri'])
      .description('move the alias the module follows (e.g. @champion) to the version a shadow alias points at; the broker checks it before swapping')
      .argument('<module>', 'the module, as named in broker.yaml')
      .option('--alias <alias>', "the shadow alias whose version is promoted (default: the module's only shadow)")
      .action((module: string, opts: ModulesOptions) => runCommand(() => promote(module, opts), { json: opts.json })),
  );
  return modules;
}

function withOptions(command: Command): Command {
  return addStoreOptions(command)
    .addOption(alertStoreOption())
    .option('--config <file>', 'the broker config naming the module (default: the latest stored broker run that had it)')
    .option('--json', 'print exact JSON');
}

async function compare(name: string, opts: CompareCliOptions): Promise<void> {
  const options = compareOptions(opts);
  const comparison = await withAlertStore(opts, async (store) => compareStoredModule(store, await comparedModule(name, opts, store), options));
  process.stdout.write(opts.json ? `${toExactJson(comparison)}\n` : formatComparison(comparison));
}

function compareOptions(opts: CompareCliOptions): CompareOptions {
  const threshold = Number(opts.threshold);
  if (opts.threshold === undefined || opts.threshold.trim() === '' || !Number.isFinite(threshold)) throw new Error(`invalid --threshold '${opts.threshold}': expected a number, e.g. 0.5`);
  let limit: number | undefined;
  if (opts.limit !== undefined) {
    limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_COMPARISON_ROWS) throw new Error(`invalid --limit '${opts.limit}': expected a whole number from 1 to ${MAX_COMPARISON_ROWS}`);
  }
  if ((opts.labels === undefined) !== (opts.positive === undefined)) throw new Error('--labels and --positive go together: the labels file, and the class in it counted as positive');
  return {
    threshold,
    ...(opts.alias !== undefined && { alias: opts.alias }),
    ...(opts.output !== undefined && { output: opts.output }),
    ...(limit !== undefined && { limit }),
    ...(opts.labels !== undefined && { labels: { file: resolve(opts.labels), positive: opts.positive! } }),
  };
}

async function promote(name: string, opts: ModulesOptions): Promise<void> {
  const module = opts.config ? await comparedModule(name, opts) : await withAlertStore(opts, (store) => comparedModule(name, opts, store));
  const alias = opts.alias ?? onlyShadow(module.name, module.shadows);
  const registry = await openAliasRegistry(opts);
  try {
    const promotion = await promoteShadow(registry, module, alias);
    process.stdout.write(opts.json ? `${toExactJson(promotion)}\n` : `${promotionLine(promotion, alias)}\n`);
  } finally {
    await registry.close();
  }
}

/** The registry the alias is moved in: a tracking server's over REST, else this machine's. */
async function openAliasRegistry(opts: ModulesOptions): Promise<AliasRegistry & { close(): Promise<void> }> {
  const server = trackingServerOf(opts);
  if (server) {
    const client = new TrackingServerClient(server);
    return { ...restAliasRegistry(client), close: async () => client.close() };
  }
  const aviary = await openAviary(configFromOptions(opts), consoleLogger('modules'));
  return {
    getVersionByAlias: (model, alias) => aviary.registry.getVersionByAlias(model, alias),
    setAlias: (model, alias, version) => aviary.registry.setAlias(model, alias, version),
    close: () => aviary.close(),
  };
}

async function comparedModule(name: string, opts: ModulesOptions, store?: AlertStore): Promise<ComparedModule> {
  if (opts.config) return comparedModuleFromConfig(await loadBrokerConfig(opts.config), opts.config, name);
  return comparedModuleFromRuns(store!, name);
}
