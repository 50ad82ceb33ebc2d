/**
 * Stand-in for `DropboxError` from `@godropbox-ts/errors`, which is being written at the same
 * time; same constructor. Replaced by the real import as soon as that package is committed.
 */
export interface DropboxErrorOptions {
	readonly cause?: unknown;
	readonly code?: string | undefined;
	readonly info?: Record<string, unknown> | undefined;
}

export class DropboxError extends Error {
	readonly code: string | undefined;
	readonly info: Readonly<Record<string, unknown>>;
	constructor(message: string, options: DropboxErrorOptions = {}) {
		super(
			message,
			"cause" in options && options.cause !== undefined
				? { cause: options.cause }
				: undefined,
		);
		this.name = "DropboxError";
		this.code = options.code;
		this.info = options.info ?? {};
	}
}
