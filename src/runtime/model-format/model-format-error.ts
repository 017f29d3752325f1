/** A model folder that cannot be used: the message names the file and what is wrong with it. */
export class ModelFormatError extends Error {
  constructor(
    /** The file (or folder) at fault. */
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFormatError';
  }
}
