import { describe, expect, it } from "vitest";
import {
	type Expression,
	inList,
	literal,
	SqlBuilderError,
	SqlBuilderErrorCode,
} from "../../src/index.js";
import { formatNumber, mysqlString } from "../../src/internal/literal.js";
import { table1 } from "../fixtures/tables.js";

const sql = (v: Parameters<typeof literal>[0]) => literal(v).toSQL();

describe("literal encoding (spec §5)", () => {
	it("null, booleans and integers", () => {
		expect(sql(null)).toBe("null");
		expect(sql(true)).toBe("1");
		expect(sql(false)).toBe("0");
		expect(sql(-9223372036854775808n)).toBe("-9223372036854775808");
		expect(sql(18446744073709551615n)).toBe("18446744073709551615");
		expect(sql(42)).toBe("42");
	});

	it("floats in Go's shortest positional form", () => {
		expect(sql(1.5)).toBe("1.5");
		expect(sql(2.0)).toBe("2");
		expect(sql(0.1)).toBe("0.1");
		expect(sql(1 / 3)).toBe("0.3333333333333333");
		expect(sql(1e21)).toBe("1000000000000000000000");
		expect(sql(1e-7)).toBe("0.0000001");
		expect(sql(-0)).toBe("-0");
		expect(sql(-1.5)).toBe("-1.5");
		expect(sql(1.1)).toBe("1.1");
		expect(formatNumber(1.234e-10)).toBe("0.0000000001234");
		expect(formatNumber(-1.5e22)).toBe("-15000000000000000000000");
		expect(formatNumber(1.2345e21)).toBe("1234500000000000000000");
	});

	it("strings with backslash escapes", () => {
		expect(sql("workin' hard")).toBe("'workin\\' hard'");
		expect(sql("\0'\"\b\n\r\t\x1a\\")).toBe("'\\0\\'\\\"\\b\\n\\r\\t\\Z\\\\'");
		expect(sql("\\ \\_ \\\\ \\\\_ \\% \\\\%")).toBe(
			"'\\\\ \\_ \\\\\\\\ \\\\\\_ \\% \\\\\\%'",
		);
		expect(sql("abc\\")).toBe("'abc\\\\'");
		expect(sql("héllo ☃")).toBe("'héllo ☃'");
		expect(sql("50% off_x")).toBe("'50% off_x'");
		expect(sql("")).toBe("''");
		expect(mysqlString("a\x7fb")).toBe("'a\x7fb'");
	});

	it("bytes as lowercase hex", () => {
		expect(sql(new Uint8Array([0x00, 0x01, 0xab, 0x41]))).toBe("X'0001ab41'");
		expect(
			sql(new Uint8Array([0, 0x27, 0x22, 0x08, 0x0a, 0x0d, 0x09, 0x1a, 0x5c])),
		).toBe("X'002722080a0d091a5c'");
		expect(sql(new Uint8Array())).toBe("X''");
		expect(sql(Buffer.from("ab"))).toBe("X'6162'");
	});

	it("dates from UTC fields, six fractional digits", () => {
		expect(sql(new Date(Date.UTC(1999, 0, 2, 3, 4, 5)))).toBe(
			"'1999-01-02 03:04:05.000000'",
		);
		expect(sql(new Date(Date.UTC(2012, 1, 24, 23, 19, 43, 999)))).toBe(
			"'2012-02-24 23:19:43.999000'",
		);
		expect(sql(new Date("0001-01-01T00:00:00Z"))).toBe(
			"'0001-01-01 00:00:00.000000'",
		);
	});

	it("IN keeps null and mixed literals", () => {
		const c = table1.c("col1") as unknown as Expression<unknown>;
		expect(inList(c, [null, "x"]).toSQL()).toBe(
			"`table1`.`col1` IN (null,'x')",
		);
		expect(inList(c, [1.5, 2]).toSQL()).toBe("`table1`.`col1` IN (1.5,2)");
		expect(inList(c, [new Uint8Array([1]), new Uint8Array([2])]).toSQL()).toBe(
			"`table1`.`col1` IN (X'01',X'02')",
		);
	});

	it("rejects values with no literal form at construction", () => {
		const bad: unknown[] = [
			Number.NaN,
			Number.POSITIVE_INFINITY,
			2n ** 64n,
			-(2n ** 63n) - 1n,
			new Date(Number.NaN),
			{},
			[1],
			Symbol("s"),
			() => 1,
		];
		for (const v of bad) {
			let err: unknown;
			try {
				literal(v as never);
			} catch (e) {
				err = e;
			}
			expect(err).toBeInstanceOf(SqlBuilderError);
			expect((err as SqlBuilderError).code).toBe(
				SqlBuilderErrorCode.INVALID_LITERAL,
			);
			expect(
				(err as SqlBuilderError).message.startsWith("Invalid literal value\n"),
			).toBe(true);
		}
		expect(() => literal({} as never)).toThrow(
			"Invalid literal value\nUnsupported bind variable type Object: [object Object]",
		);
	});
});
