/** A long operation under way: an indeterminate bar and what is being done. */
export function Progress({ label }: { label: string }) {
  return (
    <div className="progress" role="status" aria-busy="true" data-testid="progress">
      <div className="progress-bar" />
      <span>{label}</span>
    </div>
  );
}
