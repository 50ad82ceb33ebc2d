/** Stand-in with DropboxError's constructor shape until @godropbox-ts/errors lands. */
export class DropboxError extends Error {
	readonly code: string | undefined;
	readonly info: Record<string, unknown> | undefined;
	constructor(
		message: string,
		options: {
			cause?: unknown;
			code?: string;
			info?: Record<string, unknown>;
		} = {},
	) {
		super(
			message,
			options.cause !== undefined ? { cause: options.cause } : undefined,
		);
		this.code = options.code;
		this.info = options.info;
	}
}
