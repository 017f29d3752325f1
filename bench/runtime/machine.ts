/** What the runtime benchmark's numbers were taken on: the common machine description plus its own versions. */
import { UV_VERSION } from '../../src/runtime/environments/uv-bootstrap.js';
import { describeMachine as describeCommon, load1, packageVersion, waitForQuiet, type Machine as CommonMachine } from '../common/machine.js';

export { load1, waitForQuiet };

export interface Machine extends CommonMachine {
  readonly onnxruntimeNode: string;
  readonly uv: string;
}

export function describeMachine(repo: string): Machine {
  return { ...describeCommon(repo), onnxruntimeNode: packageVersion(repo, 'node_modules/onnxruntime-node/package.json'), uv: UV_VERSION };
}
