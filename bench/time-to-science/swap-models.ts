/**
 * The registered versions bench/time-to-science moves its aliases between, trained and logged
 * with the real mlflow client as the broker's acceptance tests do:
 * - snia: version 1 (the starting champion) and the warm versions, scikit-learn 1.5 with the
 *   Fink-template preprocessing step (tests/ts/broker/fixtures/fink-features) in their runs, so
 *   they share one environment; the cold version, scikit-learn 1.7, whose environment differs;
 * - realbogus: ONNX versions (in-process, no Python), on four alert fields.
 * Training a version moves @champion to it, so each model's alias is put back on version 1.
 */
import { FINK_FEATURES, BROKER_FIXTURES, trainOnnx } from '../../tests/ts/broker/broker-testing.js';
import { train, trainingPython, type TestServer } from '../../tests/ts/runtime/training.js';
import { join } from 'node:path';

export const SNIA = 'snia';
export const REALBOGUS = 'realbogus';
export const RB_INPUTS = ['drb', 'magpsf', 'sigmapsf', 'ndethist'];

export interface SwapModels {
  /** Versions of snia in the starting champion's environment, one per warm round. */
  readonly warm: readonly string[];
  /** The version of snia whose environment (scikit-learn 1.7) is built during the run. */
  readonly cold: string;
  /** Versions of realbogus after version 1, one per ONNX round. */
  readonly onnx: readonly string[];
}

export async function trainSwapModels(server: TestServer, rounds: number, say: (line: string) => void): Promise<SwapModels> {
  const finkArgs = ['--features', FINK_FEATURES.join(','), '--preprocessing', join(BROKER_FIXTURES, 'fink-features')];
  const sklearn15 = await trainingPython('sklearn-1.5.txt');
  const sklearn17 = await trainingPython('sklearn-1.7.txt');
  say(`training ${SNIA} 1 (scikit-learn 1.5), ${rounds} warm version(s), 1 cold (scikit-learn 1.7); ${REALBOGUS} 1 and ${rounds} ONNX version(s)`);
  await train(sklearn15, server, SNIA, 'logistic', finkArgs);
  const warm: string[] = [];
  for (let i = 0; i < rounds; i++) warm.push((await train(sklearn15, server, SNIA, i % 2 === 0 ? 'forest' : 'logistic', finkArgs)).version);
  const cold = (await train(sklearn17, server, SNIA, 'logistic', finkArgs)).version;
  await trainOnnx(server, REALBOGUS, RB_INPUTS);
  const onnx: string[] = [];
  for (let i = 0; i < rounds; i++) onnx.push((await trainOnnx(server, REALBOGUS, RB_INPUTS)).version);
  for (const name of [SNIA, REALBOGUS]) await server.aviary.registry.setAlias(name, 'champion', '1');
  return { warm, cold, onnx };
}
