import type { KeyValue } from '../api/entities.js';

/** Tags as `key: value` chips; MLflow's own (`mlflow.*`) are left out. */
export function TagList({ tags }: { tags: KeyValue[] | undefined }) {
  const shown = (tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
  return (
    <span className="tags">
      {shown.map((t) => (
        <span key={t.key} className="tag">
          {t.key}: {t.value}
        </span>
      ))}
    </span>
  );
}
