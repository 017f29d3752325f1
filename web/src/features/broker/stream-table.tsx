import type { StreamStatus } from '../../api/broker-api.js';
import { formatValue } from '../../components/format.js';

/**
 * A stream run's partitions: committed offset, end, lag (what is still to read), alerts done and
 * alerts/s; above it the latency from the message's Kafka timestamp to stored, the number
 * Rubin's 60 s budget is about.
 */
export function StreamTable({ stream }: { stream: StreamStatus }) {
  return (
    <section data-testid="stream">
      <p className="meta" data-testid="stream-latency">
        Latency from the Kafka timestamp to stored:{' '}
        {stream.latencyMs ? `p50 ${formatValue(stream.latencyMs.p50)} ms, p99 ${formatValue(stream.latencyMs.p99)} ms over ${stream.latencyMs.count.toLocaleString('en-US')} alerts` : 'no alert yet'}
      </p>
      {stream.partitions.length === 0 ? (
        <p className="empty">No partition assigned to this run.</p>
      ) : (
        <table className="grid" data-testid="partitions">
          <thead>
            <tr>
              <th>Topic</th>
              <th>Partition</th>
              <th>Committed</th>
              <th>End</th>
              <th>Lag</th>
              <th>Alerts</th>
              <th>Alerts/s</th>
            </tr>
          </thead>
          <tbody>
            {stream.partitions.map((p) => (
              <tr key={`${p.topic}/${p.partition}`} data-testid="partition-row" data-partition={`${p.topic}/${p.partition}`}>
                <td data-col="topic">{p.topic}</td>
                <td data-col="partition" className="num">
                  {p.partition}
                </td>
                <td data-col="committed" className="num">
                  {p.committedOffset ?? '—'}
                </td>
                <td data-col="end" className="num">
                  {p.endOffset ?? '—'}
                </td>
                <td data-col="lag" className="num">
                  {p.lag === null ? '—' : p.lag.toLocaleString('en-US')}
                </td>
                <td data-col="alerts" className="num">
                  {p.alertsStored.toLocaleString('en-US')}
                </td>
                <td data-col="rate" className="num">
                  {formatValue(p.alertsPerSecond)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
