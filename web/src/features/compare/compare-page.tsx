/** Placeholder until this page is built. */
export function ComparePage({ experimentId }: { experimentId: string }) {
  return <p>Not built yet.</p>;
}
