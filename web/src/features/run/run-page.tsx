/** Placeholder until this page is built. */
export function RunPage({ experimentId, runId }: { experimentId: string; runId: string }) {
  return <p>Not built yet.</p>;
}
