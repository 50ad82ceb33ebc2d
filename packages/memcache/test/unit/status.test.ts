import { describe, expect, it } from "vitest";
import { MemcacheStatusError } from "../../src/errors.js";
import { newGetResponse, newStatusCodeError } from "../../src/responses.js";
import { ResponseStatus, statusMessage } from "../../src/status.js";

describe("status table", () => {
	it("memcached's SASL statuses 0x20 / 0x21 have names and messages", () => {
		expect(ResponseStatus.SaslAuthenticationError).toBe(0x20);
		expect(ResponseStatus.SaslAuthenticationContinue).toBe(0x21);
		expect(statusMessage(0x20)).toBe("Authentication error");
		expect(statusMessage(0x21)).toBe("Authentication continue");
		const e = newStatusCodeError(0x20);
		expect(e).toBeInstanceOf(MemcacheStatusError);
		expect(e?.message).toContain("Authentication error");
		const r = newGetResponse("k", 0x20);
		expect([r.status, r.error?.code, r.value]).toEqual([
			0x20,
			"ERR_MEMCACHE_STATUS",
			undefined,
		]);
	});

	it("godropbox's numbers and unknown codes keep their messages", () => {
		expect(statusMessage(ResponseStatus.AuthenticationError)).toBe(
			"Authentication error",
		);
		expect(statusMessage(0x22)).toBe("Invalid status: 34");
		expect(statusMessage(0)).toBeUndefined();
	});
});
