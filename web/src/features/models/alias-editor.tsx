/**
 * A model's aliases: each can be moved to another version or deleted, and new ones set; only
 * listed when the user may not change them (`editable`: MANAGE on the model).
 */
import { useState, type FormEvent } from 'react';
import type { ModelVersion, RegisteredModel } from '../../api/entities.js';
import { deleteAlias, setAlias } from '../../api/registry-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAction } from '../../components/use-action.js';

export function AliasEditor({ model, versions, editable, onChanged }: { model: RegisteredModel; versions: ModelVersion[]; editable: boolean; onChanged: () => void }) {
  const action = useAction(onChanged);
  const [newAlias, setNewAlias] = useState('');
  const [newVersion, setNewVersion] = useState(versions[0]?.version ?? '');
  const aliases = model.aliases ?? [];
  const add = (e: FormEvent) => {
    e.preventDefault();
    const alias = newAlias.trim();
    action.run(`Setting @${alias}…`, () => setAlias(model.name, alias, newVersion).then(() => setNewAlias('')));
  };
  return (
    <div className="aliases" data-testid="aliases">
      <h2>Aliases</h2>
      {aliases.length === 0 && <p className="empty">No aliases.</p>}
      {aliases.map((a) => (
        <AliasRow key={a.alias} alias={a.alias} version={a.version} versions={versions} editable={editable} disabled={action.pending !== undefined}
          onMove={(v) => action.run(`Moving @${a.alias} to version ${v}…`, () => setAlias(model.name, a.alias, v))}
          onDelete={() => action.run(`Deleting @${a.alias}…`, () => deleteAlias(model.name, a.alias))}
        />
      ))}
      {editable && (
        <form className="alias-add" onSubmit={add}>
          <input aria-label="New alias" placeholder="alias" value={newAlias} onChange={(e) => setNewAlias(e.target.value)} />
          <VersionSelect label="Version for the new alias" value={newVersion} versions={versions} onChange={setNewVersion} />
          <button type="submit" disabled={!newAlias.trim() || !newVersion || action.pending !== undefined}>
            Set alias
          </button>
        </form>
      )}
      {action.pending && <Progress label={action.pending} />}
      <ErrorBanner error={action.error} />
    </div>
  );
}

function AliasRow(props: { alias: string; version: string; versions: ModelVersion[]; editable: boolean; disabled: boolean; onMove: (version: string) => void; onDelete: () => void }) {
  const [target, setTarget] = useState(props.version);
  return (
    <div className="alias-row" data-testid={`alias-${props.alias}`}>
      <span className="alias">
        @{props.alias}: Version {props.version}
      </span>
      {props.editable && (
        <>
          <VersionSelect label={`Move @${props.alias} to`} value={target} versions={props.versions} onChange={setTarget} />
          <button disabled={props.disabled || target === props.version} onClick={() => props.onMove(target)}>
            Move
          </button>
          <button disabled={props.disabled} onClick={props.onDelete}>
            Delete
          </button>
        </>
      )}
    </div>
  );
}

function VersionSelect({ label, value, versions, onChange }: { label: string; value: string; versions: ModelVersion[]; onChange: (v: string) => void }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {versions.map((v) => (
        <option key={v.version} value={v.version}>
          Version {v.version}
        </option>
      ))}
    </select>
  );
}
