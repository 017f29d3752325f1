/**
 * What every alert store keeps of an enriched alert: the envelope columns, the payload without
 * its cutouts (kept apart, fetched one by one), and the scores. Shared so that the in-memory
 * and SQL stores agree on what a stored alert is.
 */
import type { Alert, Cutout, Cutouts, Survey } from '../alert.js';
import type { EnrichedAlert, ModuleScores, ShadowScores } from '../enriched-alert.js';
import type { StoredAlert, StoredModuleScores, StoredShadowScores } from './alert-store.js';
import { compareText } from './score-histograms.js';

export const CUTOUT_FIELDS = { science: 'cutoutScience', template: 'cutoutTemplate', difference: 'cutoutDifference' } as const;
export type CutoutKind = keyof typeof CUTOUT_FIELDS;
export const CUTOUT_KINDS = Object.keys(CUTOUT_FIELDS) as CutoutKind[];

const CUTOUT_KEYS = new Set<string>(Object.values(CUTOUT_FIELDS));

/** The payload as decoded, minus the three cutout fields (values shared, not copied). */
export function payloadWithoutCutouts(payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) if (!CUTOUT_KEYS.has(key)) kept[key] = value;
  return kept;
}

/** The stored alert of an enriched alert, written now over `before` (the same alert as stored, if it was). */
export function toStoredAlert(enriched: EnrichedAlert, storedAt: string, before?: StoredAlert): StoredAlert {
  const { alert } = enriched;
  return {
    survey: alert.survey,
    alertId: alert.alertId,
    objectId: alert.objectId,
    time: alert.time,
    ra: alert.ra,
    dec: alert.dec,
    band: alert.band,
    magnitude: alert.magnitude?.value ?? null,
    flux: alert.flux?.value ?? null,
    scores: mergedScores(before?.scores ?? [], enriched.scores, storedAt),
    ...shadowsOf(mergedShadows(before?.shadows ?? [], enriched.shadows ?? [], storedAt)),
    payload: payloadWithoutCutouts(alert.payload),
    sourceFile: alert.origin.file,
    storedAt,
  };
}

/** The stored scores with the written modules' replaced in place, new modules' appended: other modules' are kept as they were. */
export function mergedScores(stored: readonly StoredModuleScores[], written: readonly ModuleScores[], scoredAt: string): StoredModuleScores[] {
  const merged = [...stored];
  for (const scores of written) {
    const at = merged.findIndex((s) => s.module === scores.module);
    const fresh = { ...scores, scoredAt };
    if (at === -1) merged.push(fresh);
    else merged[at] = fresh;
  }
  return merged;
}

/** The stored shadows with the written (module, alias) pairs' replaced, in (module, alias) order as the SQL stores read them. */
export function mergedShadows(stored: readonly StoredShadowScores[], written: readonly ShadowScores[], scoredAt: string): StoredShadowScores[] {
  if (written.length === 0) return [...stored];
  const merged = new Map(stored.map((s) => [shadowKey(s), s]));
  for (const shadow of written) merged.set(shadowKey(shadow), { ...shadow, scoredAt });
  return [...merged.values()].sort((a, b) => compareText(a.module, b.module) || compareText(a.alias, b.alias));
}

/** `shadows` when there are any: a stored alert without shadows has no such field. */
export function shadowsOf(shadows: readonly StoredShadowScores[]): { shadows?: readonly StoredShadowScores[] } {
  return shadows.length > 0 ? { shadows } : {};
}

const shadowKey = (s: ShadowScores) => `${s.module}\u0000${s.alias}`;

/**
 * Why an alert is refused when its id is stored under another object (undefined when the object
 * ids agree: a replay; or when the stored row had none, as Rubin solar-system alerts stored
 * before their ssObjectId was read: the replay gives them one). Object ids are compared as
 * `objectKey` gives them.
 */
export function objectConflictReason(survey: Survey, alertId: bigint, storedObjectId: string | null, objectId: string | null): string | undefined {
  if (storedObjectId === objectId || storedObjectId === null) return undefined;
  const name = (id: string | null) => (id === null ? 'no object id' : `object ${id}`);
  return `${survey} alert ${alertId} is already stored with ${name(storedObjectId)}, this alert has ${name(objectId)}: not stored (an alert id belongs to one object)`;
}

/** The cutouts that are present, by kind. */
export function presentCutouts(cutouts: Cutouts): [CutoutKind, Cutout][] {
  return CUTOUT_KINDS.flatMap((kind) => (cutouts[kind] ? [[kind, cutouts[kind]] as [CutoutKind, Cutout]] : []));
}

/** The key of an alert in a store: ids of the two surveys are separate number spaces. */
export function alertKey(survey: Survey, alertId: bigint): string {
  return `${survey}:${alertId}`;
}

/** Object ids are compared as text: ZTF's are strings, Rubin's integers. */
export function objectKey(objectId: Alert['objectId']): string | null {
  return objectId === null ? null : String(objectId);
}
