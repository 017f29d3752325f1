/** The demo's logger: component messages as indented progress details, without timestamps. */
import type { Logger } from '../common/logger.js';
import type { DemoProgress } from './demo-progress.js';

export function demoLogger(progress: DemoProgress): Logger {
  return {
    info: (message) => progress.detail(message),
    warn: (message) => progress.detail(`warning: ${message}`),
    error: (message) => progress.detail(`error: ${message}`),
  };
}
