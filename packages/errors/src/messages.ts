import { isBranded, isErrorLike } from "./internal/brand.js";
import {
	chainText,
	formatFullMessage,
	formatStack,
} from "./internal/format.js";
import { parseStackFrames } from "./internal/stack.js";

/** What {@link getMessage} returns for a value that is not an error (godropbox's literal). */
export const NON_ERROR_MESSAGE = "Passed a non-error to GetMessage";

/**
 * The messages of the whole chain, outermost first, joined by `"\n"`, without any stack
 * (godropbox's package function `GetMessage`). Follows `cause` through every error, not only
 * DropboxErrors (Go stopped at the first non-Dropbox error, whose `Error()` text already held
 * its `%w` chain). A non-error `cause` (a thrown string) contributes its `String()`. Never throws.
 *
 * @param err - anything.
 * @returns the chain text; for a value that is not an error (`undefined`, `null`, a string,
 *   a number…), the literal {@link NON_ERROR_MESSAGE} `"Passed a non-error to GetMessage"`.
 * @example
 * ```ts
 * getMessage(wrap(wrap(new Error("inner"), "middle"), "outer")); // "outer\nmiddle\ninner"
 * ```
 */
export function getMessage(err: unknown): string {
	if (!isErrorLike(err)) return NON_ERROR_MESSAGE;
	return chainText(err).text;
}

/**
 * The stack of `err` in godropbox's `GetStack()` layout: per frame the function name, then a tab
 * and `file:line:column`, each line ending in `"\n"`. Works for any error with a V8 `stack`;
 * `""` for anything else. Not a stable format: use {@link DropboxError.stackFrames} to read frames.
 */
export function getStack(err: unknown): string {
	if (typeof err !== "object" || err === null) return "";
	return formatStack(parseStackFrames(err));
}

/**
 * godropbox's `Error()` text for any error: the chain's messages, outermost first, one per line,
 * then the line `ORIGINAL STACK TRACE:` and the stack ({@link getStack} layout) of the
 * **innermost DropboxError** of the chain, which is where the failure was first recorded.
 * When the chain holds no DropboxError, the stack of its innermost error is printed. For a value
 * that is not an error, the message part is {@link NON_ERROR_MESSAGE}.
 *
 * @example
 * ```text
 * context
 * x
 * ORIGINAL STACK TRACE:
 * makeX
 * 	/srv/app/dist/make.js:35:11
 * main
 * 	/srv/app/dist/main.js:4:3
 * ```
 */
export function fullMessage(err: unknown): string {
	if (!isErrorLike(err) && !isBranded(err)) {
		return formatFullMessage(NON_ERROR_MESSAGE);
	}
	return formatFullMessage(err);
}
