export { ErrorsErrorCode } from "./codes.js";
export { newError, newErrorf, wrap, wrapf } from "./constructors.js";
export {
	DropboxError,
	type DropboxErrorOptions,
	type ErrorClass,
	isDropboxError,
	type SerializedError,
} from "./dropbox-error.js";
export type { StackFrame } from "./internal/stack.js";
export { MAX_CAUSE_DEPTH, ROOT_ERROR_MAX_STEPS } from "./limits.js";
export {
	causes,
	type ErrorClassifier,
	findCause,
	findWrappedError,
	isError,
	rootDropboxError,
	rootError,
} from "./lookup.js";
export {
	fullMessage,
	getMessage,
	getStack,
	NON_ERROR_MESSAGE,
} from "./messages.js";
