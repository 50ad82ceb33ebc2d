import type { MemcacheError } from "./errors.js";
import { MemcacheStatusError } from "./errors.js";
import { ResponseStatus, statusMessage } from "./status.js";
import type {
	CountResponse,
	GetResponse,
	MutateResponse,
	Response,
	StatResponse,
	VersionResponse,
} from "./types.js";

// godropbox: memcache/responses.go. Error() order: client error, then NoError, then a get miss
// (not an error), then the status table.

/**
 * The error for a status, or `undefined` for NoError (godropbox: `NewStatusCodeError`).
 */
export function newStatusCodeError(
	status: number,
): MemcacheStatusError | undefined {
	const message = statusMessage(status);
	return message === undefined
		? undefined
		: new MemcacheStatusError(status, message);
}

function statusError(status: number): MemcacheError | undefined {
	return status === 0 ? undefined : newStatusCodeError(status);
}

/** A status-only response (flush, verbosity). */
export function newResponse(status: number): Response {
	return { status, error: statusError(status) };
}

/** A status-only response built from a client-side error. */
export function newErrorResponse(error: MemcacheError): Response {
	return { status: ResponseStatus.ClientError, error };
}

/** A get response from a server status; value/flags/CAS are kept only for NoError. */
export function newGetResponse(
	key: string,
	status: number,
	flags = 0,
	value: Buffer | undefined = undefined,
	dataVersionId = 0n,
): GetResponse {
	if (status === 0)
		return { status, error: undefined, key, value, flags, dataVersionId };
	return {
		status,
		error:
			status === ResponseStatus.KeyNotFound ? undefined : statusError(status),
		key,
		value: undefined,
		flags: 0,
		dataVersionId: 0n,
	};
}

/** A get response built from a client-side error. */
export function newGetErrorResponse(
	key: string,
	error: MemcacheError,
): GetResponse {
	return {
		status: ResponseStatus.ClientError,
		error,
		key,
		value: undefined,
		flags: 0,
		dataVersionId: 0n,
	};
}

/** A mutate response from a server status; the CAS is kept only for NoError. */
export function newMutateResponse(
	key: string,
	status: number,
	dataVersionId = 0n,
): MutateResponse {
	return {
		status,
		error: statusError(status),
		key,
		dataVersionId: status === 0 ? dataVersionId : 0n,
	};
}

/** A mutate response built from a client-side error. */
export function newMutateErrorResponse(
	key: string,
	error: MemcacheError,
): MutateResponse {
	return { status: ResponseStatus.ClientError, error, key, dataVersionId: 0n };
}

/** A counter response from a server status; the count is kept only for NoError. */
export function newCountResponse(
	key: string,
	status: number,
	count = 0n,
): CountResponse {
	return {
		status,
		error: statusError(status),
		key,
		count: status === 0 ? count : 0n,
	};
}

/** A counter response built from a client-side error. */
export function newCountErrorResponse(
	key: string,
	error: MemcacheError,
): CountResponse {
	return { status: ResponseStatus.ClientError, error, key, count: 0n };
}

/** A version response. */
export function newVersionResponse(
	status: number,
	versions: ReadonlyMap<number, string>,
): VersionResponse {
	return { status, error: statusError(status), versions };
}

/** A version response built from a client-side error (the map is kept). */
export function newVersionErrorResponse(
	error: MemcacheError,
	versions: ReadonlyMap<number, string> = new Map(),
): VersionResponse {
	return { status: ResponseStatus.ClientError, error, versions };
}

/** A stat response. */
export function newStatResponse(
	status: number,
	entries: ReadonlyMap<number, ReadonlyMap<string, string>>,
): StatResponse {
	return { status, error: statusError(status), entries };
}

/** A stat response built from a client-side error (the map is kept). */
export function newStatErrorResponse(
	error: MemcacheError,
	entries: ReadonlyMap<number, ReadonlyMap<string, string>> = new Map(),
): StatResponse {
	return { status: ResponseStatus.ClientError, error, entries };
}

/** Marks a response as "shard skipped" (see {@link Response.skipped}). */
export function markSkipped<T extends Response>(response: T): T {
	return { ...response, skipped: true };
}
