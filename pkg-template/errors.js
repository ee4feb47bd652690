/**
 * The one error class of scopegate. Branch on `code` (a stable snake_case string, the same as the
 * Rust `ErrorCode`); show `message` to people. Policy errors list every problem in `problems`, each
 * with a JSON pointer.
 */
export class ScopegateError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ScopegateError';
    // Set by the engine right after construction:
    this.code = 'invalid_argument';
    this.pointer = undefined;
    this.claim = undefined;
    this.problems = [];
  }
}
