/**
 * A command whose work was waiting on something that can no longer happen (nothing left to keep
 * the process running) would otherwise end with Node's exit status 13 and no word. It ends with
 * status 1 and one line saying which command stopped, as every other failure does.
 */
export function guardUnfinishedCommand(name: string): () => void {
  let done = false;
  const onBeforeExit = () => {
    if (done) return;
    process.stderr.write(`aviary: ${name} stopped before it finished: a step was left waiting with nothing to complete it (please report this)\n`);
    process.exit(1);
  };
  process.on('beforeExit', onBeforeExit);
  return () => {
    done = true;
    process.off('beforeExit', onBeforeExit);
  };
}
