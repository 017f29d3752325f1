/** The alert's raw fields: the candidate (ZTF) or diaSource (Rubin) as a table, and the whole payload as exact JSON. */
import { exactJsonText } from './exact-json-text.js';

export function RawFields({ payload }: { payload: Readonly<Record<string, unknown>> }) {
  const sourceKey = isRecord(payload.candidate) ? 'candidate' : isRecord(payload.diaSource) ? 'diaSource' : undefined;
  const source = sourceKey ? (payload[sourceKey] as Record<string, unknown>) : undefined;
  return (
    <div className="raw-fields">
      {source && (
        <details open>
          <summary>
            {sourceKey} fields ({Object.keys(source).length})
          </summary>
          <div className="fields-scroll">
          <table className="grid fields" data-testid="raw-fields">
            <tbody>
              {Object.entries(source).map(([key, value]) => (
                <tr key={key} data-field={key}>
                  <th className="mono">{key}</th>
                  <td className="mono">{fieldText(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </details>
      )}
      <details data-testid="payload">
        <summary>Whole payload (exact JSON)</summary>
        <pre className="payload-json">{exactJsonText(payload)}</pre>
      </details>
    </div>
  );
}

function fieldText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return exactJsonText(value, '', '').replace(/\n/g, ' ');
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
