/** Placeholder until this page is built. */
export function AlertsPage() {
  return <p>Not built yet.</p>;
}
