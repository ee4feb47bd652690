/**
 * The one error class of scopegate. Branch on `code` (a stable snake_case string, the same as the
 * Rust `ErrorCode`); show `message` to people. Policy errors list every problem in `problems`, each
 * with a JSON pointer.
 */
export class ScopegateError extends Error {
  constructor(message, code = 'invalid_argument') {
    super(message);
    this.name = 'ScopegateError';
    // The engine constructs with the message only and sets these right after:
    this.code = code;
    this.pointer = null;
    this.claim = null;
    this.problems = [];
  }
}
