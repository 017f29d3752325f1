/** The two servers under test, and the one way every phase runs on them: Aviary first, then MLflow. */
export const KINDS = ['aviary', 'mlflow'] as const;
export type Kind = (typeof KINDS)[number];

/** Runs `phase` on Aviary, then on MLflow, logging each answer. */
export async function onBoth<T>(label: string, phase: (kind: Kind) => Promise<T>, show: (r: T) => string): Promise<Record<Kind, T>> {
  const out = {} as Record<Kind, T>;
  for (const kind of KINDS) {
    out[kind] = await phase(kind);
    console.log(`${kind.padEnd(6)} ${label}: ${show(out[kind])}`);
  }
  return out;
}
