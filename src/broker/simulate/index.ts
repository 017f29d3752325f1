/** The alert simulator's public API: simulated ZTF 4.02 and Rubin lsst.v10_0 alerts with known classes, one by one or written to a folder. */
export { simulateAlerts, alertSchemaText, labelOf, SIMULATED_SURVEYS, type SimulatedSurvey, type SimulateAlertsOptions, type EncodedSimulatedAlert } from './simulate-alerts.js';
export { simulateZtfAlerts, generateZtfAlerts, type ZtfSimulationOptions, type SimulatedAlert, type AlertLabel } from './simulate-ztf-alerts.js';
export { generateLsstAlerts, LSST_HISTORY_DAYS, type LsstSimulationOptions, type SimulatedLsstAlert, type LsstAlertLabel } from './simulate-lsst-alerts.js';
export { simulationSeed, DEFAULT_ALERTS_PER_OBJECT, type SimulationOptions } from './simulation-options.js';
export { writeSimulatedAlerts, LABELS_FILE, type WriteSimulationOptions, type SimulationSummary, type SimulationProgress } from './write-simulated-alerts.js';
export { parseClassMix, DEFAULT_CLASS_MIX, type ClassMix } from './class-mix.js';
export { SIMULATED_CLASSES, type SimulatedClass } from './light-curve-model.js';
export { ZTF_ALERT_SCHEMA, ZTF_ALERT_SCHEMA_TEXT } from './ztf-alert-schema.js';
export { LSST_ALERT_SCHEMA, LSST_ALERT_SCHEMA_TEXT } from './lsst-alert-schema.js';
export { AVRO_WRITE_CODECS, type AvroWriteCodec } from './avro-container-writer.js';
