import { DropboxError, getMessage } from "@godropbox-ts/errors";
import { describe, expect, it } from "vitest";
import {
	newTable,
	SqlBuilderError,
	SqlBuilderErrorCode,
} from "../../src/index.js";

describe("SqlBuilderError", () => {
	it("is a DropboxError with a stable code and name", () => {
		let err: unknown;
		try {
			newTable("bad name");
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(SqlBuilderError);
		expect(err).toBeInstanceOf(DropboxError);
		expect(err).toBeInstanceOf(Error);
		const e = err as SqlBuilderError;
		expect(e.name).toBe("SqlBuilderError");
		expect(e.code).toBe(SqlBuilderErrorCode.INVALID_TABLE_NAME);
		expect(getMessage(e)).toBe("Invalid table name");
	});
	it("keeps the cause and the SQL", () => {
		const cause = new Error("boom");
		const e = new SqlBuilderError(
			SqlBuilderErrorCode.QUERY_FAILED,
			"Query failed: boom",
			{
				cause,
				sql: "SELECT 1",
			},
		);
		expect(e.cause).toBe(cause);
		expect(e.sql).toBe("SELECT 1");
		expect(getMessage(e)).toBe("Query failed: boom\nboom");
	});
	it("is recognised through its brand from another copy of the class", () => {
		class Other extends DropboxError {
			static override readonly brand = Symbol.for(
				"godropbox-ts.sqlbuilder.SqlBuilderError",
			);
		}
		expect(new Other("x")).toBeInstanceOf(SqlBuilderError);
		expect(new DropboxError("x")).not.toBeInstanceOf(SqlBuilderError);
	});
});
