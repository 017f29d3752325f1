/**
 * Rubin's alert schema lsst.v10_0 (the alert with its diaSource, diaForcedSource, diaObject,
 * ssSource and mpc_orbits records), as one self-contained schema: the same names, field order,
 * types and defaults as the official .avsc files of lsst/alert_packet, so any reader of Rubin
 * alerts reads our files. Field docs are left out (they are not part of the binary format);
 * lsst-alert-schema.test.ts compares this schema with the official files field by field.
 * Field lists are in the compact notation of avro-field-notation.ts.
 */
import { type AvroRecordSchema, parseFields } from './avro-field-notation.js';
import { BAND_NAMES } from './light-curve-model.js';

export const LSST_SCHEMA_VERSION = 'lsst.v10_0';
const NAMESPACE = 'lsst.v10_0';

const DIA_SOURCE_FIELDS = [
  'diaSourceId:long visit:long detector:int diaObjectId:long? ssObjectId:long?',
  'parentDiaSourceId:long? midpointMjdTai:double ra:double raErr:float? dec:double decErr:float?',
  'ra_dec_Cov:float? x:float xErr:float? y:float yErr:float? centroid_flag:boolean? apFlux:float?',
  'apFluxErr:float? apFlux_flag:boolean? apFlux_flag_apertureTruncated:boolean? isNegative:boolean?',
  'snr:float? psfFlux:float? psfFluxErr:float? psfLnL:float? psfChi2:float? psfNdata:int?',
  'psfFlux_flag:boolean? psfFlux_flag_edge:boolean? psfFlux_flag_noGoodPixels:boolean?',
  'trailFlux:float? trailFluxErr:float? trailRa:double? trailRaErr:float? trailDec:double?',
  'trailDecErr:float? trailLength:float? trailLengthErr:float? trailAngle:float?',
  'trailAngleErr:float? trailChi2:float? trailNdata:int? trail_flag_edge:boolean?',
  'dipoleMeanFlux:float? dipoleMeanFluxErr:float? dipoleFluxDiff:float? dipoleFluxDiffErr:float?',
  'dipoleLength:float? dipoleAngle:float? dipoleChi2:float? dipoleNdata:int? scienceFlux:float?',
  'scienceFluxErr:float? forced_PsfFlux_flag:boolean? forced_PsfFlux_flag_edge:boolean?',
  'forced_PsfFlux_flag_noGoodPixels:boolean? templateFlux:float? templateFluxErr:float? ixx:float?',
  'iyy:float? ixy:float? ixxPSF:float? iyyPSF:float? ixyPSF:float? shape_flag:boolean?',
  'shape_flag_no_pixels:boolean? shape_flag_not_contained:boolean?',
  'shape_flag_parent_source:boolean? extendedness:float? reliability:float? band:string?',
  'isDipole:boolean? dipoleFitAttempted:boolean? timeProcessedMjdTai:double',
  'timeWithdrawnMjdTai:double? bboxSize:int? pixelFlags:boolean? pixelFlags_bad:boolean?',
  'pixelFlags_cr:boolean? pixelFlags_crCenter:boolean? pixelFlags_edge:boolean?',
  'pixelFlags_nodata:boolean? pixelFlags_nodataCenter:boolean? pixelFlags_interpolated:boolean?',
  'pixelFlags_interpolatedCenter:boolean? pixelFlags_offimage:boolean?',
  'pixelFlags_saturated:boolean? pixelFlags_saturatedCenter:boolean? pixelFlags_suspect:boolean?',
  'pixelFlags_suspectCenter:boolean? pixelFlags_streak:boolean? pixelFlags_streakCenter:boolean?',
  'pixelFlags_injected:boolean? pixelFlags_injectedCenter:boolean?',
  'pixelFlags_injected_template:boolean? pixelFlags_injected_templateCenter:boolean?',
  'glint_trail:boolean?',
];

const DIA_FORCED_SOURCE_FIELDS = [
  'diaForcedSourceId:long diaObjectId:long ra:double dec:double visit:long detector:int',
  'psfFlux:float? psfFluxErr:float? midpointMjdTai:double scienceFlux:float? scienceFluxErr:float?',
  'band:string? timeProcessedMjdTai:double timeWithdrawnMjdTai:double?',
];

/** `{b}` stands for each band, u to y, the whole group repeated band after band. */
const perBand = (group: string) => BAND_NAMES.map((band) => group.replaceAll('{b}', band)).join(' ');

const DIA_OBJECT_FIELDS = [
  'diaObjectId:long validityStartMjdTai:double ra:double raErr:float? dec:double decErr:float? ra_dec_Cov:float?',
  perBand('{b}_psfFluxMean:float? {b}_psfFluxMeanErr:float? {b}_psfFluxSigma:float? {b}_psfFluxNdata:int? {b}_fpFluxMean:float? {b}_fpFluxMeanErr:float?'),
  perBand('{b}_scienceFluxMean:float? {b}_scienceFluxMeanErr:float?'),
  perBand('{b}_psfFluxMin:float? {b}_psfFluxMax:float? {b}_psfFluxMaxSlope:float? {b}_psfFluxErrMean:float?'),
  'firstDiaSourceMjdTai:double? lastDiaSourceMjdTai:double? nDiaSources:int',
];

const SS_SOURCE_FIELDS = [
  'diaSourceId:long ssObjectId:long designation:string? eclLambda:double eclBeta:double',
  'galLon:double galLat:double elongation:float? phaseAngle:float? topoRange:float?',
  'topoRangeRate:float? helioRange:float? helioRangeRate:float? ephRa:double? ephDec:double?',
  'ephVmag:float? ephRate:float? ephRateRa:float? ephRateDec:float? ephOffset:float?',
  'ephOffsetRa:double? ephOffsetDec:double? ephOffsetAlongTrack:float? ephOffsetCrossTrack:float?',
  'helio_x:float? helio_y:float? helio_z:float? helio_vx:float? helio_vy:float? helio_vz:float?',
  'helio_vtot:float? topo_x:float? topo_y:float? topo_z:float? topo_vx:float? topo_vy:float?',
  'topo_vz:float? topo_vtot:float? diaDistanceRank:int?',
];

const MPC_ORBITS_FIELDS = [
  'id:int designation:string packed_primary_provisional_designation:string',
  'unpacked_primary_provisional_designation:string mpc_orb_jsonb:string?',
  'created_at:long@timestamp-micros? updated_at:long@timestamp-micros? orbit_type_int:int?',
  'u_param:int? nopp:int? arc_length_total:double? arc_length_sel:double? nobs_total:int?',
  'nobs_total_sel:int? a:double? q:double? e:double? i:double? node:double? argperi:double?',
  'peri_time:double? yarkovsky:double? srp:double? a1:double? a2:double? a3:double? dt:double?',
  'mean_anomaly:double? period:double? mean_motion:double? a_unc:double? q_unc:double?',
  'e_unc:double? i_unc:double? node_unc:double? argperi_unc:double? peri_time_unc:double?',
  'yarkovsky_unc:double? srp_unc:double? a1_unc:double? a2_unc:double? a3_unc:double?',
  'dt_unc:double? mean_anomaly_unc:double? period_unc:double? mean_motion_unc:double?',
  'epoch_mjd:double? h:double? g:double? not_normalized_rms:double? normalized_rms:double?',
  'earth_moid:double? fitting_datetime:long@timestamp-micros?',
];

const record = (name: string, fields: readonly string[]): AvroRecordSchema => ({ type: 'record', name, namespace: NAMESPACE, fields: parseFields(fields) });

const nullable = (type: unknown) => ({ type: ['null', type], default: null });

/** lsst.v10_0.alert, with its named records defined inline where first used. */
export const LSST_ALERT_SCHEMA: AvroRecordSchema = {
  type: 'record',
  name: 'alert',
  namespace: NAMESPACE,
  doc: 'Rubin Avro alert schema v10.0',
  fields: [
    { name: 'diaSourceId', type: 'long' },
    { name: 'observation_reason', ...nullable('string') },
    { name: 'target_name', ...nullable('string') },
    { name: 'diaSource', type: record('diaSource', DIA_SOURCE_FIELDS) },
    { name: 'prvDiaSources', ...nullable({ type: 'array', items: `${NAMESPACE}.diaSource` }) },
    { name: 'prvDiaForcedSources', ...nullable({ type: 'array', items: record('diaForcedSource', DIA_FORCED_SOURCE_FIELDS) }) },
    { name: 'diaObject', ...nullable(record('diaObject', DIA_OBJECT_FIELDS)) },
    { name: 'ssSource', ...nullable(record('ssSource', SS_SOURCE_FIELDS)) },
    { name: 'mpc_orbits', ...nullable(record('mpc_orbits', MPC_ORBITS_FIELDS)) },
    { name: 'cutoutDifference', ...nullable('bytes') },
    { name: 'cutoutScience', ...nullable('bytes') },
    { name: 'cutoutTemplate', ...nullable('bytes') },
  ],
};

/** The schema as the JSON text stored in a container file's header. */
export const LSST_ALERT_SCHEMA_TEXT = JSON.stringify(LSST_ALERT_SCHEMA);
