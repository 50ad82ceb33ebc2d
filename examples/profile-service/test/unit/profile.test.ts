import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/errors.js";
import {
	MAX_IDS_PER_REQUEST,
	parseIdList,
	parseProfileId,
	parseProfileInput,
	sameProfile,
	seedProfile,
} from "../../src/profile.js";

describe("parseProfileId", () => {
	it("accepts 1..2^31-1", () => {
		expect(parseProfileId("1")).toBe(1);
		expect(parseProfileId("2147483647")).toBe(2147483647);
	});
	it.each(["0", "-1", "1.5", "abc", "", "1e3", "2147483648", " 1", "0x10"])(
		"rejects %j",
		(raw) => {
			expect(() => parseProfileId(raw)).toThrow(InvalidInputError);
		},
	);
	it("says what is wrong", () => {
		expect(() => parseProfileId("abc")).toThrow(
			"profile id must be a positive whole number, got 'abc'",
		);
		expect(() => parseProfileId("0")).toThrow(
			"profile id must be between 1 and 2147483647, got 0",
		);
	});
});

describe("parseIdList", () => {
	it("parses, trims and de-duplicates in first-seen order", () => {
		expect(parseIdList("3, 1,3,2")).toEqual([3, 1, 2]);
	});
	it("requires ids and bounds their number", () => {
		expect(() => parseIdList(null)).toThrow(
			"query parameter 'ids' is required",
		);
		expect(() => parseIdList("")).toThrow("query parameter 'ids' is required");
		const many = Array.from(
			{ length: MAX_IDS_PER_REQUEST + 1 },
			(_, i) => i + 1,
		).join(",");
		expect(() => parseIdList(many)).toThrow(
			`at most ${MAX_IDS_PER_REQUEST} ids per request, got ${MAX_IDS_PER_REQUEST + 1}`,
		);
		expect(() => parseIdList("1,,2")).toThrow(InvalidInputError);
	});
});

describe("parseProfileInput", () => {
	it("accepts name, email and an optional bio", () => {
		expect(
			parseProfileInput({ name: "Ada", email: "ada@example.com" }),
		).toEqual({
			name: "Ada",
			email: "ada@example.com",
			bio: "",
		});
	});
	it.each([
		[null, /body must be a JSON object/],
		[[1], /body must be a JSON object/],
		[{ name: "A", email: "a@b.c", age: 3 }, /unknown field 'age'/],
		[{ email: "a@b.c" }, /field 'name' must be a string/],
		[{ name: " ", email: "a@b.c" }, /field 'name' must not be empty/],
		[
			{ name: "A", email: "nope" },
			/field 'email' must look like user@example.com/,
		],
		[
			{ name: "A".repeat(101), email: "a@b.c" },
			/field 'name' is 101 characters long; the limit is 100/,
		],
		[{ name: "A", email: "a@b.c", bio: 5 }, /field 'bio' must be a string/],
	])("rejects %j", (body, message) => {
		expect(() => parseProfileInput(body)).toThrow(message);
	});
});

describe("seed data", () => {
	it("is deterministic and equal to itself", () => {
		const a = seedProfile(42, "2026-01-01T00:00:00.000Z");
		expect(a).toEqual(seedProfile(42, "2026-01-01T00:00:00.000Z"));
		expect(a.email).toMatch(/^[a-z.-]+\.42@example\.com$/);
		expect(sameProfile(a, { ...a })).toBe(true);
		expect(sameProfile(a, { ...a, bio: "x" })).toBe(false);
	});
});
