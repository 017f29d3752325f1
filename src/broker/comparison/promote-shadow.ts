/**
 * A checked promotion: the alias a module follows (usually champion) moved to the version one of
 * its shadow aliases points at, through the registry (this machine's, or a tracking server's
 * REST API). The broker's swap check then decides whether the running module takes it.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { ComparedModule } from './compared-module.js';

/** The two registry calls a promotion makes: RegistryService has them, and so does the REST client. */
export interface AliasRegistry {
  getVersionByAlias(name: string, alias: string): Promise<{ readonly version: string }>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
}

export interface Promotion {
  readonly module: string;
  readonly modelName: string;
  /** The alias moved (the one the module follows). */
  readonly alias: string;
  /** Its version before; null when it pointed nowhere. */
  readonly from: string | null;
  readonly to: string;
}

/** Errors (one line each): the module follows no alias, the shadow alias does not exist, or the alias already points there. */
export async function promoteShadow(registry: AliasRegistry, module: ComparedModule, shadowAlias: string): Promise<Promotion> {
  const followed = module.alias;
  if (followed === null) throw MlflowError.invalid(`module ${module.name} follows no alias (its model is a fixed version or a folder): there is no alias to move`);
  if (shadowAlias === followed) throw MlflowError.invalid(`module ${module.name} follows @${followed} itself: name a shadow alias to promote, e.g. --alias challenger`);
  const to = await versionOf(registry, module.modelName, shadowAlias);
  if (to === null) throw MlflowError.notFound(`registered model '${module.modelName}' has no alias @${shadowAlias}: nothing to promote`);
  const from = await versionOf(registry, module.modelName, followed);
  if (from === to) throw new MlflowError('RESOURCE_CONFLICT', `${module.name}: @${followed} already points at version ${to} (the version of @${shadowAlias})`);
  await registry.setAlias(module.modelName, followed, to);
  return { module: module.name, modelName: module.modelName, alias: followed, from, to };
}

/** Without an alias named, the module's one shadow. */
export function onlyShadow(module: string, shadows: readonly string[]): string {
  if (shadows.length === 1) return shadows[0]!;
  throw MlflowError.invalid(
    shadows.length === 0 ? `module ${module} has no shadow alias: name the alias to promote` : `module ${module} has shadows ${shadows.map((s) => `@${s}`).join(', ')}: name the one to promote`,
  );
}

/** The alias's version, or null when the alias (not the model) does not exist: MLflow says so as INVALID_PARAMETER_VALUE. */
async function versionOf(registry: AliasRegistry, name: string, alias: string): Promise<string | null> {
  try {
    return String((await registry.getVersionByAlias(name, alias)).version);
  } catch (err) {
    if (err instanceof MlflowError && /alias \S+ not found/i.test(err.message)) return null;
    throw err;
  }
}

export function promotionLine(p: Promotion, shadowAlias: string): string {
  const moved = p.from === null ? `set to version ${p.to}` : `moved from version ${p.from} to version ${p.to}`;
  return `${p.module}: @${p.alias} ${moved} (the version of @${shadowAlias})`;
}
