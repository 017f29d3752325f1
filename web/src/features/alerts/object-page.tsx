/** Placeholder until this page is built. */
export function ObjectPage({ objectId }: { objectId: string }) {
  return <p>Not built yet.</p>;
}
