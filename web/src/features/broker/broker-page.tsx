/** Placeholder until this page is built. */
export function BrokerPage() {
  return <p>Not built yet.</p>;
}
