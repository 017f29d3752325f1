/** The alert simulator's public API: simulated ZTF 4.02 alerts with known classes, in memory or written to a folder. */
export { simulateZtfAlerts, generateZtfAlerts, type SimulationOptions, type SimulatedAlert, type AlertLabel } from './simulate-ztf-alerts.js';
export { writeSimulatedAlerts, LABELS_FILE, type WriteSimulationOptions, type SimulationSummary, type SimulationProgress } from './write-simulated-alerts.js';
export { parseClassMix, DEFAULT_CLASS_MIX, type ClassMix } from './class-mix.js';
export { SIMULATED_CLASSES, type SimulatedClass } from './light-curve-model.js';
export { ZTF_ALERT_SCHEMA, ZTF_ALERT_SCHEMA_TEXT } from './ztf-alert-schema.js';
export { AVRO_WRITE_CODECS, type AvroWriteCodec } from './avro-container-writer.js';
