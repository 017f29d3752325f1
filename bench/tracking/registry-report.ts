/** The registry phase's rows, targets, answer check and report lines, from both servers' results. */
import { MODEL_SEARCHES, type RegistryResults } from './registry.js';

export interface RegistryRow {
  metric: string;
  aviary: number;
  mlflow: number;
  digits: number;
  better: 'lower' | 'higher';
}

export function registryRows(a: RegistryResults, m: RegistryResults): RegistryRow[] {
  const models = `${a.models.toLocaleString('en')} models`;
  const rows: RegistryRow[] = [
    { metric: 'create model + 3 versions + alias, sequential (models/s)', aviary: a.apiModelsPerSecond, mlflow: m.apiModelsPerSecond, digits: 1, better: 'higher' },
  ];
  for (const { label } of MODEL_SEARCHES) {
    const [x, y] = [a.searches.get(label)!, m.searches.get(label)!];
    rows.push({ metric: `search_registered_models p50, ${label}, ${models} (ms)`, aviary: x.p50, mlflow: y.p50, digits: 2, better: 'lower' });
    rows.push({ metric: `search_registered_models p99, ${label}, ${models} (ms)`, aviary: x.p99, mlflow: y.p99, digits: 2, better: 'lower' });
  }
  rows.push(
    { metric: `get_model_version_by_alias p50, ${models} (ms)`, aviary: a.alias.p50, mlflow: m.alias.p50, digits: 2, better: 'lower' },
    { metric: `get_model_version_by_alias p99, ${models} (ms)`, aviary: a.alias.p99, mlflow: m.alias.p99, digits: 2, better: 'lower' },
    { metric: 'RSS after the registry load (MB)', aviary: a.rssAfterMb, mlflow: m.rssAfterMb, digits: 0, better: 'lower' },
  );
  return rows;
}

export function registryTargets(a: RegistryResults, m: RegistryResults): { target: string; actual: string; met: boolean }[] {
  const models = `${a.models.toLocaleString('en')} models`;
  const targets = MODEL_SEARCHES.map(({ label }) => {
    const ratio = m.searches.get(label)!.p50 / a.searches.get(label)!.p50;
    return { target: `search_registered_models p50 (${label}) on ${models} >= 10x MLflow`, actual: `${ratio.toFixed(1)}x`, met: ratio >= 10 };
  });
  const alias = m.alias.p50 / a.alias.p50;
  targets.push({ target: `get_model_version_by_alias p50 on ${models} >= 10x MLflow`, actual: `${alias.toFixed(1)}x`, met: alias >= 10 });
  return targets;
}

/** Both must answer each search with the same names in the same order, and each alias with the seeded version. */
export function registryAgreement(a: RegistryResults, m: RegistryResults): string {
  const problems: string[] = [];
  for (const { label } of MODEL_SEARCHES) {
    const [x, y] = [a.searches.get(label)!.names, m.searches.get(label)!.names];
    if (x.length === 0) problems.push(`Aviary found no model for ${label}`);
    if (x.length !== y.length || x.some((n, i) => n !== y[i])) problems.push(`the names differ for ${label}`);
  }
  for (const [who, r] of [['Aviary', a], ['MLflow', m]] as const) {
    const wrong = r.alias.versions.filter((v, i) => v !== r.alias.expected[i]).length;
    if (wrong > 0) problems.push(`${who} answered ${wrong} of ${r.alias.versions.length} aliases with another version than seeded`);
  }
  if (problems.length > 0) return `**the registry answers differ**: ${problems.join('; ')}`;
  const counts = MODEL_SEARCHES.map(({ label }) => `${a.searches.get(label)!.names.length} for ${label}`).join(', ');
  return `both answered every registry search with the same names in the same order (${counts}) and every alias with the version seeded`;
}

export function registryLines(a: RegistryResults, m: RegistryResults, s: { searches: number; aliasWarmup: number; aliasCalls: number }): string[] {
  const searches = MODEL_SEARCHES.map(({ query }) => `\`${Object.entries(query).map(([k, v]) => `${k}=${v}`).join('&')}\``);
  return [
    `- Registry: ${a.models.toLocaleString('en')} registered models, each with 2 tags, 3 versions (1 tag each, source an \`mlflow-artifacts:/\` location under one run's artifact root, with that run_id) and the alias \`champion\` on one version. Seeding: Aviary: ${a.seeding}. MLflow: ${m.seeding}`,
    `- Registry load: GET registered-models/search ${searches.join(' and ')}, ${s.searches} times each after 1 warm-up; GET registered-models/alias (get_model_version_by_alias) on ${s.aliasCalls} models drawn at random (the same on both) after ${s.aliasWarmup} warm-up calls. The timed calls run in 10 rounds, each a block on Aviary then the same block on MLflow, so the machine's other load falls on both alike. "RSS after the registry load" is 2 s after the last call`,
  ];
}
