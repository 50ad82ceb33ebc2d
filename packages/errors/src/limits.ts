/**
 * The most errors any chain walk visits ({@link causes}, {@link getMessage}, {@link fullMessage},
 * {@link findWrappedError}, `toJSON`, `util.inspect`). A walk that reaches it stops, and the text
 * formats say so; with cycle detection this makes every walk terminate, even over a `cause` that
 * points back at its own error. godropbox needed no cap outside `RootError` (Go chains cannot
 * cycle).
 */
export const MAX_CAUSE_DEPTH = 100;

/** godropbox `RootError`'s loop bound, kept by {@link rootError}: at most 20 unwrap steps. */
export const ROOT_ERROR_MAX_STEPS = 20;
