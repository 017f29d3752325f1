/**
 * The `*` patterns of --allowed-hosts and --cors-allowed-origins (as MLflow's fnmatch lists):
 * `*` stands for any run of characters, everything else is literal, and case never matters
 * (host names and URL schemes are case-insensitive).
 */
export function wildcardPattern(pattern: string): (value: string) => boolean {
  const lower = pattern.toLowerCase();
  if (!lower.includes('*')) return (value) => value.toLowerCase() === lower;
  const source = lower
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value.toLowerCase());
}
