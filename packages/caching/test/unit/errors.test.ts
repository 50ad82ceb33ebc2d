import { DropboxError, fullMessage } from "@godropbox-ts/errors";
import { describe, expect, it } from "vitest";
import {
	BackendError,
	CachingError,
	CachingErrorCode,
	InvalidationFailedError,
	InvalidKeyError,
} from "../../src/index.js";

describe("errors", () => {
	it("extend DropboxError with a stable code, a name and the cause chain", () => {
		const root = new Error("socket closed");
		const err = new InvalidationFailedError(
			["a"],
			new BackendError("memcache", "delete failed", root),
		);
		expect(err).toBeInstanceOf(CachingError);
		expect(err).toBeInstanceOf(DropboxError);
		expect(err.name).toBe("InvalidationFailedError");
		expect(err.code).toBe(CachingErrorCode.InvalidationFailed);
		expect(fullMessage(err)).toMatch(
			/^storage write succeeded but 1 cache entry could not be invalidated.*\ndelete failed\nsocket closed\nORIGINAL STACK TRACE:\n/s,
		);
		expect(new InvalidKeyError("bad", {})).not.toBeInstanceOf(BackendError);
	});
	it("codes are unique ERR_CACHING_* strings", () => {
		const codes = Object.values(CachingErrorCode);
		expect(new Set(codes).size).toBe(codes.length);
		for (const c of codes) expect(c).toMatch(/^ERR_CACHING_[A-Z_]+$/);
	});
});
