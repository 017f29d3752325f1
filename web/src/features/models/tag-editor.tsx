/** A model's tags: set (add or change) and delete; only listed without `editable` (EDIT on the model). */
import { useState, type FormEvent } from 'react';
import type { RegisteredModel } from '../../api/entities.js';
import { deleteModelTag, setModelTag } from '../../api/registry-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAction } from '../../components/use-action.js';

export function TagEditor({ model, editable, onChanged }: { model: RegisteredModel; editable: boolean; onChanged: () => void }) {
  const action = useAction(onChanged);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    action.run(`Setting tag ${key}…`, () => setModelTag(model.name, key.trim(), value).then(() => (setKey(''), setValue(''))));
  };
  return (
    <div className="model-tags" data-testid="model-tags">
      <h2>Tags</h2>
      {(model.tags ?? []).map((t) => (
        <div key={t.key} className="tag-row">
          <span className="tag">
            {t.key}: {t.value}
          </span>
          {editable && (
            <button disabled={action.pending !== undefined} onClick={() => action.run(`Deleting tag ${t.key}…`, () => deleteModelTag(model.name, t.key))}>
              Delete
            </button>
          )}
        </div>
      ))}
      {(model.tags ?? []).length === 0 && !editable && <p className="empty">No tags.</p>}
      {editable && (
        <form onSubmit={add}>
          <input aria-label="Tag key" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} />
          <input aria-label="Tag value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
          <button type="submit" disabled={!key.trim() || action.pending !== undefined}>
            Set tag
          </button>
        </form>
      )}
      {action.pending && <Progress label={action.pending} />}
      <ErrorBanner error={action.error} />
    </div>
  );
}
