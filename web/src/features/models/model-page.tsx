/** One registered model: its aliases, tags and versions with their source runs. */
import type { ModelVersion, RegisteredModel, Run } from '../../api/entities.js';
import { allModelVersions, getRegisteredModel } from '../../api/registry-api.js';
import { getRun } from '../../api/tracking-api.js';
import { mayEditAliases, mayEditModelTags } from '../../auth/access.js';
import { useWhoAmI } from '../../auth/who-am-i-context.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { formatTime } from '../../components/format.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';
import { AliasEditor } from './alias-editor.js';
import { TagEditor } from './tag-editor.js';
import { VersionsTable, type SourceRuns } from './versions-table.js';

interface ModelView {
  model: RegisteredModel;
  versions: ModelVersion[];
  runs: SourceRuns;
}

async function loadModel(name: string, signal: AbortSignal): Promise<ModelView> {
  const [model, versions] = await Promise.all([getRegisteredModel(name, signal), allModelVersions(name, signal)]);
  const runIds = [...new Set(versions.map((v) => v.run_id).filter((id): id is string => !!id))];
  const runs = await Promise.all(
    runIds.map((id): Promise<[string, Run | { error: unknown }]> => getRun(id, signal).then((run) => [id, run], (error: unknown) => [id, { error }])),
  );
  return { model, versions, runs: new Map(runs) };
}

export function ModelPage({ name }: { name: string }) {
  const [state, reload] = useAsync(name, (signal) => loadModel(name, signal));
  const who = useWhoAmI();
  return (
    <section>
      <nav className="crumbs">
        <Link to={paths.models()}>Registered models</Link> / <span data-testid="model-name">{name}</span>
      </nav>
      {state.status === 'loading' && <Progress label="Loading the model…" />}
      {state.status === 'error' && <ErrorBanner error={state.error} />}
      {state.status === 'done' && (
        <>
          <p className="meta">
            Created {formatTime(state.value.model.creation_timestamp)} · last modified {formatTime(state.value.model.last_updated_timestamp)}
            {state.value.model.description ? ` · ${state.value.model.description}` : ''}
          </p>
          <div className="model-panels">
            <AliasEditor model={state.value.model} versions={state.value.versions} editable={mayEditAliases(who, name)} onChanged={reload} />
            <TagEditor model={state.value.model} editable={mayEditModelTags(who, name)} onChanged={reload} />
          </div>
          <h2>Versions</h2>
          <VersionsTable versions={state.value.versions} runs={state.value.runs} />
        </>
      )}
    </section>
  );
}
