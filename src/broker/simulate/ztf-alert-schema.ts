/**
 * The ZTF alert schema, version 4.02 (ztf.alert with its candidate, prv_candidate, fp_hist and
 * cutout records), as one self-contained schema: the same names, field order, types and
 * defaults as the official .avsc files, so any Avro reader of ZTF alerts reads our files.
 * Field docs are left out (they are not part of the binary format); ztf-alert-schema.test.ts
 * compares this schema with the official files so the two cannot drift apart.
 *
 * Field lists are written in the compact notation of avro-field-notation.ts (4.02 declares a few
 * prv_candidate fields `name:type|null`: nullable without a default).
 */
import { type AvroRecordSchema, parseFields } from './avro-field-notation.js';

export const ZTF_SCHEMA_VERSION = '4.02';

const CANDIDATE_FIELDS = [
  'jd:double fid:int pid:long diffmaglim:float? pdiffimfilename:string? programpi:string?',
  'programid:int candid:long isdiffpos:string tblid:long? nid:int? rcid:int? field:int? xpos:float?',
  'ypos:float? ra:double dec:double magpsf:float sigmapsf:float chipsf:float? magap:float?',
  'sigmagap:float? distnr:float? magnr:float? sigmagnr:float? chinr:float? sharpnr:float? sky:float?',
  'magdiff:float? fwhm:float? classtar:float? mindtoedge:float? magfromlim:float? seeratio:float?',
  'aimage:float? bimage:float? aimagerat:float? bimagerat:float? elong:float? nneg:int? nbad:int?',
  'rb:float? ssdistnr:float? ssmagnr:float? ssnamenr:string? sumrat:float? magapbig:float?',
  'sigmagapbig:float? ranr:double decnr:double sgmag1:float? srmag1:float? simag1:float? szmag1:float?',
  'sgscore1:float? distpsnr1:float? ndethist:int ncovhist:int jdstarthist:double? jdendhist:double?',
  'scorr:double? tooflag:int? objectidps1:long? objectidps2:long? sgmag2:float? srmag2:float?',
  'simag2:float? szmag2:float? sgscore2:float? distpsnr2:float? objectidps3:long? sgmag3:float?',
  'srmag3:float? simag3:float? szmag3:float? sgscore3:float? distpsnr3:float? nmtchps:int rfid:long',
  'jdstartref:double jdendref:double nframesref:int rbversion:string dsnrms:float? ssnrms:float?',
  'dsdiff:float? magzpsci:float? magzpsciunc:float? magzpscirms:float? nmatches:int clrcoeff:float?',
  'clrcounc:float? zpclrcov:float? zpmed:float? clrmed:float? clrrms:float? neargaia:float?',
  'neargaiabright:float? maggaia:float? maggaiabright:float? exptime:float? drb:float?',
  'drbversion:string',
];

const PRV_CANDIDATE_FIELDS = [
  'jd:double fid:int pid:long diffmaglim:float? pdiffimfilename:string? programpi:string?',
  'programid:int candid:long|null isdiffpos:string|null tblid:long? nid:int? rcid:int? field:int?',
  'xpos:float? ypos:float? ra:double|null dec:double|null magpsf:float|null sigmapsf:float|null',
  'chipsf:float? magap:float? sigmagap:float? distnr:float? magnr:float? sigmagnr:float? chinr:float?',
  'sharpnr:float? sky:float? magdiff:float? fwhm:float? classtar:float? mindtoedge:float?',
  'magfromlim:float? seeratio:float? aimage:float? bimage:float? aimagerat:float? bimagerat:float?',
  'elong:float? nneg:int? nbad:int? rb:float? ssdistnr:float? ssmagnr:float? ssnamenr:string?',
  'sumrat:float? magapbig:float? sigmagapbig:float? ranr:double|null decnr:double|null scorr:double?',
  'magzpsci:float? magzpsciunc:float? magzpscirms:float? clrcoeff:float? clrcounc:float?',
  'rbversion:string',
];

const FP_HIST_FIELDS = [
  'field:int? rcid:int? fid:int pid:long rfid:long sciinpseeing:float? scibckgnd:float?',
  'scisigpix:float? magzpsci:float? magzpsciunc:float? magzpscirms:float? clrcoeff:float?',
  'clrcounc:float? exptime:float? adpctdif1:float? adpctdif2:float? diffmaglim:float? programid:int',
  'jd:double forcediffimflux:float? forcediffimfluxunc:float? procstatus:string? distnr:float?',
  'ranr:double decnr:double magnr:float? sigmagnr:float? chinr:float? sharpnr:float?',
];

const CUTOUT_FIELDS = ['fileName:string stampData:bytes'];

const record = (name: string, fields: readonly string[]): AvroRecordSchema => ({
  type: 'record',
  name,
  namespace: 'ztf.alert',
  doc: 'avro alert schema',
  version: ZTF_SCHEMA_VERSION,
  fields: parseFields(fields),
});

const nullableArrayOf = (items: AvroRecordSchema) => ['null', { type: 'array', items }];

/** ztf.alert 4.02, with its named records defined inline where first used. */
export const ZTF_ALERT_SCHEMA: AvroRecordSchema = {
  type: 'record',
  name: 'alert',
  namespace: 'ztf',
  doc: 'avro alert schema for ZTF (www.ztf.caltech.edu)',
  version: ZTF_SCHEMA_VERSION,
  fields: [
    { name: 'schemavsn', type: 'string' },
    { name: 'publisher', type: 'string' },
    { name: 'objectId', type: 'string' },
    { name: 'candid', type: 'long' },
    { name: 'candidate', type: record('candidate', CANDIDATE_FIELDS) },
    { name: 'prv_candidates', type: nullableArrayOf(record('prv_candidate', PRV_CANDIDATE_FIELDS)), default: null },
    { name: 'fp_hists', type: nullableArrayOf(record('fp_hist', FP_HIST_FIELDS)), default: null },
    { name: 'cutoutScience', type: ['null', record('cutout', CUTOUT_FIELDS)], default: null },
    { name: 'cutoutTemplate', type: ['null', 'ztf.alert.cutout'], default: null },
    { name: 'cutoutDifference', type: ['null', 'ztf.alert.cutout'], default: null },
  ],
};

/** The schema as the JSON text stored in a container file's header. */
export const ZTF_ALERT_SCHEMA_TEXT = JSON.stringify(ZTF_ALERT_SCHEMA);
