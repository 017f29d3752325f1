/** Walks a token list for a parser, and turns an unexpected token into a syntax error that says where. */
import type { MlflowError } from '../../common/mlflow-error.js';
import { syntaxError, type SearchText } from './search-error.js';
import type { Token } from './tokenize.js';

/** The `end` token repeats forever, so lookahead never runs off. */
export class TokenCursor {
  private at = 0;

  constructor(
    readonly src: SearchText,
    private readonly tokens: readonly Token[],
  ) {}

  peek(): Token {
    return this.tokens[Math.min(this.at, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    this.at++;
    return token;
  }

  fail(token: Token, expected: string): MlflowError {
    return syntaxError(this.src, token.position, expected, token.kind === 'end' ? undefined : token.text);
  }
}
