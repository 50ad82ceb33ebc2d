import type { MemcacheError } from "./errors.js";
import type {
	MetaGetResponse,
	MetaKey,
	MetaMutateResponse,
} from "./meta-types.js";
import { newStatusCodeError } from "./responses.js";
import { ResponseStatus } from "./status.js";

/**
 * A {@link MetaGetResponse} without an item: a miss (`KeyNotFound`, no error) or a failure
 * (`error` given; status `ClientError`). Used for calls that never reached the server.
 */
export function newMetaGetResponse(
	key: MetaKey,
	error?: MemcacheError | undefined,
): MetaGetResponse {
	return {
		status:
			error === undefined
				? ResponseStatus.KeyNotFound
				: ResponseStatus.ClientError,
		error,
		key,
		value: undefined,
		flags: 0,
		dataVersionId: 0n,
		ttl: undefined,
		hitBefore: undefined,
		lastAccess: undefined,
		win: false,
		stale: false,
		otherWinner: false,
	};
}

/**
 * A {@link MetaMutateResponse} from a server status (error derived from it, CAS kept only for
 * NoError), or a failure when `error` is given (status `ClientError`).
 */
export function newMetaMutateResponse(
	key: MetaKey,
	status: number,
	dataVersionId = 0n,
	error?: MemcacheError | undefined,
): MetaMutateResponse {
	if (error !== undefined)
		return {
			status: ResponseStatus.ClientError,
			error,
			key,
			dataVersionId: 0n,
		};
	return {
		status,
		error: newStatusCodeError(status),
		key,
		dataVersionId: status === 0 ? dataVersionId : 0n,
	};
}
