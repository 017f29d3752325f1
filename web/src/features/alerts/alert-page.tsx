/** Placeholder until this page is built. */
export function AlertPage({ alertId }: { alertId: string }) {
  return <p>Not built yet.</p>;
}
