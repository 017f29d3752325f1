/** Params or tags as a two-column table. */
import type { KeyValue } from '../../api/entities.js';

export function KeyValueTable({ items, testId, empty }: { items: KeyValue[]; testId: string; empty: string }) {
  if (items.length === 0) return <p className="empty">{empty}</p>;
  const sorted = [...items].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <table className="grid kv" data-testid={testId}>
      <tbody>
        {sorted.map((item) => (
          <tr key={item.key} data-key={item.key}>
            <th scope="row">{item.key}</th>
            <td className="kv-value">{item.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
