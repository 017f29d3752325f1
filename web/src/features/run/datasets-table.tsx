/** The datasets a run used: name, digest, source and the context it was used in. */
import type { DatasetInput } from '../../api/run-api.js';

/** A dataset's `source` is JSON ({"uri": ...} and the like); show its URI or path when it has one. */
function sourceText(source: string | undefined): string {
  if (!source) return '';
  try {
    const parsed = JSON.parse(source) as Record<string, unknown>;
    const where = parsed.uri ?? parsed.url ?? parsed.path ?? parsed.table_name;
    return typeof where === 'string' ? where : source;
  } catch {
    return source;
  }
}

export function DatasetsTable({ inputs }: { inputs: DatasetInput[] }) {
  if (inputs.length === 0) return <p className="empty">No datasets.</p>;
  return (
    <table className="grid" data-testid="datasets">
      <thead>
        <tr>
          <th>Name</th>
          <th>Digest</th>
          <th>Source</th>
          <th>Context</th>
        </tr>
      </thead>
      <tbody>
        {inputs.map((input, i) => (
          <tr key={i} data-testid="dataset-row">
            <td>{input.dataset.name}</td>
            <td className="mono">{input.dataset.digest}</td>
            <td className="mono" title={input.dataset.source}>
              {input.dataset.source_type ? `${input.dataset.source_type}: ` : ''}
              {sourceText(input.dataset.source)}
            </td>
            <td>{input.tags?.find((t) => t.key === 'mlflow.data.context')?.value ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
