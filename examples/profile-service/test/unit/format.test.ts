import { describe, expect, it } from "vitest";
import {
	httpStatusOf,
	InvalidInputError,
	ProfileNotFoundError,
	RouteError,
} from "../../src/errors.js";
import { int, ms, pct, table } from "../../src/format.js";

describe("format", () => {
	it("formats numbers for the summary", () => {
		expect(int(1234567.4)).toBe("1,234,567");
		expect(ms(0.4567)).toBe("0.46 ms");
		expect(ms(12.34)).toBe("12.3 ms");
		expect(pct(1, 3)).toBe("33.3%");
		expect(pct(0, 0)).toBe("-");
	});

	it("renders a table with numbers right-aligned", () => {
		expect(
			table(
				["name", "n"],
				[
					["a", 5],
					["bbb", 1234],
				],
			),
		).toBe(
			["  name      n", "  ────  ─────", "  a         5", "  bbb   1,234"].join(
				"\n",
			),
		);
	});
});

describe("httpStatusOf", () => {
	it("maps the service's and the libraries' errors to statuses", () => {
		expect(httpStatusOf(new InvalidInputError("x"))).toBe(400);
		expect(httpStatusOf(new ProfileNotFoundError(1))).toBe(404);
		expect(httpStatusOf(new RouteError("x", 405, "GET"))).toBe(405);
		expect(
			httpStatusOf(
				Object.assign(new Error("down"), { code: "ERR_MEMCACHE_TIMEOUT" }),
			),
		).toBe(503);
		expect(
			httpStatusOf(
				Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
			),
		).toBe(503);
		expect(httpStatusOf(new TypeError("bug"))).toBe(500);
	});
});

describe("service errors", () => {
	it("are DropboxErrors with a name and a stable code", async () => {
		const { DropboxError } = await import("@godropbox-ts/errors");
		const e = new ProfileNotFoundError(5);
		expect(e).toBeInstanceOf(DropboxError);
		expect(e.name).toBe("ProfileNotFoundError");
		expect(e.code).toBe("ERR_PROFILE_SERVICE_NOT_FOUND");
		expect(new InvalidInputError("x").name).toBe("InvalidInputError");
	});
});
