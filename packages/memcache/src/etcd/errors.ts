import { DropboxError } from "@godropbox-ts/errors";

/** Every error code of `@godropbox-ts/memcache/etcd`. Match on these, not on messages. */
export const EtcdShardMapErrorCode = {
	/** The stored shard map is not valid JSON or breaks the format; the previous map stays. */
	InvalidShardMap: "ERR_MEMCACHE_ETCD_INVALID_SHARD_MAP",
	/** The shard-map key does not exist in etcd (run `godropbox-ts-shards init`). */
	NotFound: "ERR_MEMCACHE_ETCD_SHARD_MAP_NOT_FOUND",
	/** etcd did not answer within the request timeout (down, or no quorum). */
	Unavailable: "ERR_MEMCACHE_ETCD_UNAVAILABLE",
	/** etcd refused the client: TLS handshake failed, or authentication/permission denied. */
	AccessDenied: "ERR_MEMCACHE_ETCD_ACCESS_DENIED",
	/** A compare-and-swap lost: someone else changed the map since it was read. */
	Conflict: "ERR_MEMCACHE_ETCD_CONFLICT",
	/** The manager was closed. */
	Closed: "ERR_MEMCACHE_ETCD_CLOSED",
} as const;

/** A value of {@link EtcdShardMapErrorCode}. */
export type EtcdShardMapErrorCode =
	(typeof EtcdShardMapErrorCode)[keyof typeof EtcdShardMapErrorCode];

/** Base class of the errors of `@godropbox-ts/memcache/etcd`. */
export class EtcdShardMapError extends DropboxError {
	static override readonly errorName: string = "EtcdShardMapError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.memcache.etcd.EtcdShardMapError",
	);
	declare readonly code: EtcdShardMapErrorCode;
	/** The etcd key of the shard map. */
	readonly key: string;

	constructor(
		message: string,
		code: EtcdShardMapErrorCode,
		key: string,
		options: { cause?: unknown; info?: Record<string, unknown> } = {},
	) {
		super(message, { ...options, code, info: { key, ...options.info } });
		this.key = key;
	}
}

/**
 * A shard map that breaks the format (see the README, "Shard maps from etcd"). The manager
 * keeps serving the previous map.
 */
export class InvalidShardMapError extends EtcdShardMapError {
	static override readonly errorName = "InvalidShardMapError";
	static override readonly brand = Symbol.for(
		"godropbox-ts.memcache.etcd.InvalidShardMapError",
	);
	/** What is wrong, e.g. `shards[2].state: expected one of Active, WriteOnly, Down, WarmUp`. */
	readonly reason: string;
	/** etcd mod_revision of the rejected value, when it came from etcd. */
	readonly revision: number | undefined;

	constructor(
		key: string,
		reason: string,
		revision?: number | undefined,
		options: { cause?: unknown } = {},
	) {
		super(
			`invalid shard map at ${key}${revision === undefined ? "" : ` (revision ${revision})`}: ${reason}`,
			EtcdShardMapErrorCode.InvalidShardMap,
			key,
			{ ...options, info: { reason, revision } },
		);
		this.reason = reason;
		this.revision = revision;
	}
}

/** The shard-map key does not exist. Create it with `godropbox-ts-shards init`. */
export class ShardMapNotFoundError extends EtcdShardMapError {
	static override readonly errorName = "ShardMapNotFoundError";
	static override readonly brand = Symbol.for(
		"godropbox-ts.memcache.etcd.ShardMapNotFoundError",
	);
	constructor(key: string) {
		super(
			`no shard map at etcd key ${key}: create it with \`godropbox-ts-shards init --key ${key} --shards host:port,...\``,
			EtcdShardMapErrorCode.NotFound,
			key,
		);
	}
}

/** etcd did not answer within `timeoutMs` (members down, or the cluster has no quorum). */
export class ShardMapUnavailableError extends EtcdShardMapError {
	static override readonly errorName = "ShardMapUnavailableError";
	static override readonly brand = Symbol.for(
		"godropbox-ts.memcache.etcd.ShardMapUnavailableError",
	);
	readonly timeoutMs: number;
	constructor(key: string, timeoutMs: number, cause?: unknown) {
		super(
			`etcd did not serve ${key} within ${timeoutMs} ms (check the endpoints and that a majority of members is up; on a slow network raise the timeout)`,
			EtcdShardMapErrorCode.Unavailable,
			key,
			{ cause, info: { timeoutMs } },
		);
		this.timeoutMs = timeoutMs;
	}
}

/** Why etcd refused the client (see {@link ShardMapAccessDeniedError}). */
export type EtcdAccessDeniedReason = "tls" | "authentication";

/**
 * etcd refused the client: the TLS handshake failed (server certificate not trusted, client
 * certificate missing or rejected), or authentication or permission was denied (no user on a
 * cluster with auth enabled, wrong password, no permission on the key). Retrying does not help;
 * fix the etcd3 client's `credentials` / `auth` (the CLI's `--cacert`, `--cert`, `--key-file`,
 * `--user`, `ETCD_PASSWORD`).
 */
export class ShardMapAccessDeniedError extends EtcdShardMapError {
	static override readonly errorName = "ShardMapAccessDeniedError";
	static override readonly brand = Symbol.for(
		"godropbox-ts.memcache.etcd.ShardMapAccessDeniedError",
	);
	/** `"tls"` (handshake) or `"authentication"` (user, password, token or permission). */
	readonly reason: EtcdAccessDeniedReason;
	/** etcd's or the TLS layer's own words, e.g. `unable to verify the first certificate`. */
	readonly detail: string;
	constructor(
		key: string,
		reason: EtcdAccessDeniedReason,
		detail: string,
		cause?: unknown,
	) {
		super(
			reason === "tls"
				? `TLS handshake with etcd failed reading ${key}: ${detail} (trust the server's CA: etcd3 credentials.rootCertificate; if the server requires a client certificate pass certChain and privateKey)`
				: `etcd denied access to ${key}: ${detail} (etcd has authentication enabled: pass the right user and password, etcd3 option auth, and grant the user read/write on the key)`,
			EtcdShardMapErrorCode.AccessDenied,
			key,
			{ cause, info: { reason, detail } },
		);
		this.reason = reason;
		this.detail = detail;
	}
}

// etcd's auth errors (server/etcdserver/api/v3rpc/rpctypes/error.go) as etcd3 reports them.
const AUTH_FAILURE =
	/user name is empty|authentication failed|permission denied|invalid auth token|auth token is expired|user name not found|invalid auth management|authentication is not enabled/i;
// The TLS layer's handshake failures as @grpc/grpc-js reports them (Node's and OpenSSL's words).
const TLS_FAILURE =
	/certificate|ssl routines|ssl alert|tls|handshake|wrong version number/i;

/**
 * @internal The error for a failed etcd call: {@link ShardMapAccessDeniedError} when etcd or the
 * TLS layer refused the client, else {@link ShardMapUnavailableError}.
 */
export function etcdCallError(
	key: string,
	timeoutMs: number,
	err: unknown,
): ShardMapAccessDeniedError | ShardMapUnavailableError {
	const message = String((err as { message?: unknown } | null)?.message ?? err);
	const name = String((err as { name?: unknown } | null)?.name ?? "");
	const detail = message
		.replace(/^\d+ [A-Z_]+: /, "")
		.replace(/^No connection established\. Last error: (Error: )?/, "")
		.replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)\.?/, "")
		.replace(/\.?\s*Resolution note:.*$/s, "")
		.replace(/^etcdserver: /, "")
		.trim();
	if (
		AUTH_FAILURE.test(message) ||
		/^Etcd(AuthenticationFailed|PermissionDenied|InvalidAuthToken|UserNotFound)Error$/.test(
			name,
		)
	)
		return new ShardMapAccessDeniedError(key, "authentication", detail, err);
	if (
		/UNAVAILABLE|GRPCUnavailable/.test(message + name) &&
		TLS_FAILURE.test(message)
	)
		return new ShardMapAccessDeniedError(key, "tls", detail, err);
	return new ShardMapUnavailableError(key, timeoutMs, err);
}

/** A compare-and-swap lost: the map changed since it was read (or is not at `expectedVersion`). */
export class ShardMapConflictError extends EtcdShardMapError {
	static override readonly errorName = "ShardMapConflictError";
	static override readonly brand = Symbol.for(
		"godropbox-ts.memcache.etcd.ShardMapConflictError",
	);
	/** The version the writer expected, if it named one. */
	readonly expectedVersion: number | undefined;
	/** The version found in etcd, when known (undefined: the key does not exist). */
	readonly actualVersion: number | undefined;
	constructor(
		key: string,
		expectedVersion: number | undefined,
		actualVersion: number | undefined,
		detail: string,
	) {
		super(
			`shard map at ${key} was not written: ${detail}. Re-read it (godropbox-ts-shards show) and retry`,
			EtcdShardMapErrorCode.Conflict,
			key,
			{ info: { expectedVersion, actualVersion } },
		);
		this.expectedVersion = expectedVersion;
		this.actualVersion = actualVersion;
	}
}

/** The {@link EtcdShardManager} was closed. */
export class EtcdShardManagerClosedError extends EtcdShardMapError {
	static override readonly errorName = "EtcdShardManagerClosedError";
	static override readonly brand = Symbol.for(
		"godropbox-ts.memcache.etcd.EtcdShardManagerClosedError",
	);
	constructor(key: string) {
		super(
			`the etcd shard manager for ${key} is closed`,
			EtcdShardMapErrorCode.Closed,
			key,
		);
	}
}
