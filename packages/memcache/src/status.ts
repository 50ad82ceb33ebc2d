/**
 * memcached response status codes (godropbox: memcache/constants.go), plus
 * {@link ResponseStatus.ClientError} for responses built from a client-side error.
 */
export const ResponseStatus = {
	/** The operation succeeded. */
	NoError: 0x0000,
	/** The key does not exist (a miss for reads: not an error). */
	KeyNotFound: 0x0001,
	/** The key exists (add on an existing key, stale CAS). */
	KeyExists: 0x0002,
	/** The value is larger than the server accepts. */
	ValueTooLarge: 0x0003,
	/** The server rejected the arguments. */
	InvalidArguments: 0x0004,
	/** The item was not stored (append/prepend on a missing key, ascii add/replace). */
	ItemNotStored: 0x0005,
	/** incr/decr on a value that is not a decimal number. */
	IncrDecrOnNonNumericValue: 0x0006,
	/** Unused by memcached. */
	VbucketBelongsToAnotherServer: 0x0007,
	/**
	 * godropbox's number for an authentication error, from an older protocol draft; memcached
	 * sends {@link ResponseStatus.SaslAuthenticationError} (0x20) instead.
	 */
	AuthenticationError: 0x0008,
	/** godropbox's number; memcached sends {@link ResponseStatus.SaslAuthenticationContinue}. */
	AuthenticationContinue: 0x0009,
	/**
	 * Authentication failed or is required (memcached `-S`: every command before a successful
	 * SASL auth, and a wrong password). memcached's protocol_binary.h: `PROTOCOL_BINARY_RESPONSE_AUTH_ERROR`.
	 */
	SaslAuthenticationError: 0x0020,
	/** A multi-step SASL mechanism needs another step (`PROTOCOL_BINARY_RESPONSE_AUTH_CONTINUE`). */
	SaslAuthenticationContinue: 0x0021,
	/** The server does not know the command (binary verbosity on memcached 1.6). */
	UnknownCommand: 0x0081,
	/** The server is out of memory. */
	OutOfMemory: 0x0082,
	/** The server does not support the command. */
	NotSupported: 0x0083,
	/** Server internal error. */
	InternalError: 0x0084,
	/** The server is busy. */
	Busy: 0x0085,
	/** Temporary server failure. */
	TempFailure: 0x0086,
	/**
	 * Not a server status: the response was built from a client-side error (invalid key,
	 * connection failure, timeout, protocol violation…). godropbox reports 0 here; we report -1
	 * so that `status === NoError` always means success.
	 */
	ClientError: -1,
} as const;

/** A value of {@link ResponseStatus} (or any other status a server sent). */
export type ResponseStatus = number;

const STATUS_MESSAGES: ReadonlyMap<number, string> = new Map([
	[0x0001, "Key not found"],
	[0x0002, "Key exists"],
	[0x0003, "Value too large"],
	[0x0004, "Invalid arguments"],
	[0x0005, "Item not stored"],
	[0x0006, "Incr/decr on non-numeric value"],
	[0x0007, "VBucket belongs to another server"],
	[0x0008, "Authentication error"],
	[0x0009, "Authentication continue"],
	[0x0020, "Authentication error"],
	[0x0021, "Authentication continue"],
	[0x0081, "Unknown command"],
	[0x0082, "Server out of memory"],
	[0x0083, "Not supported"],
	[0x0084, "Server internal error"],
	[0x0085, "Server busy"],
	[0x0086, "Temporary server failure"],
]);

/**
 * The message godropbox attaches to a status (memcache/responses.go): "Invalid status: N" for
 * codes outside the table, `undefined` for NoError.
 */
export function statusMessage(status: number): string | undefined {
	if (status === 0) return undefined;
	return STATUS_MESSAGES.get(status) ?? `Invalid status: ${status}`;
}
