import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseTarget } from "../../src/database.js";
import { DatabaseUrlError } from "../../src/errors.js";

describe("databaseTarget", () => {
	it("defaults to SQLite in the data directory", () => {
		const t = databaseTarget(undefined, "/tmp/data");
		expect(t.kind).toBe("sqlite");
		expect(t.config.client).toBe("better-sqlite3");
		expect(t.config.connection).toEqual({
			filename: path.join("/tmp/data", "profiles.sqlite"),
		});
	});

	it("reads mysql:// and mariadb:// URLs and hides the password in the description", () => {
		const t = databaseTarget("mariadb://app:s3cret@db.example:3307/shop", "/x");
		expect(t.kind).toBe("mysql");
		expect(t.config.connection).toMatchObject({
			host: "db.example",
			port: 3307,
			user: "app",
			password: "s3cret",
			database: "shop",
		});
		expect(t.description).toContain("***");
		expect(t.description).not.toContain("s3cret");
	});

	it("reads postgres:// URLs", () => {
		const t = databaseTarget("postgres://postgres@127.0.0.1:5432/test", "/x");
		expect(t.kind).toBe("postgres");
		expect(t.config.client).toBe("pg");
	});

	it("reads sqlite:<file>", () => {
		expect(databaseTarget("sqlite:/tmp/p.db", "/x").config.connection).toEqual({
			filename: "/tmp/p.db",
		});
	});

	it.each([
		["redis://127.0.0.1", "DATABASE_URL scheme 'redis:' is not supported"],
		["mysql://root@127.0.0.1:3306", "DATABASE_URL must name a database"],
		["mysql://[bad", "DATABASE_URL is not a valid URL"],
		["sqlite:", "names no file"],
	])("rejects %s", (url, message) => {
		expect(() => databaseTarget(url, "/x")).toThrow(DatabaseUrlError);
		expect(() => databaseTarget(url, "/x")).toThrow(message);
	});
});
