import knexFactory, { type Knex } from "knex";
import { afterAll, beforeAll, describe } from "vitest";
import { DDL, statementSuite } from "./suite.js";

describe("SQLite through knex (better-sqlite3)", () => {
	let db: Knex;
	beforeAll(async () => {
		db = knexFactory({
			client: "better-sqlite3",
			connection: { filename: ":memory:" },
			useNullAsDefault: true,
		});
		for (const ddl of DDL.sqlite) await db.raw(ddl);
	});
	afterAll(async () => {
		await db?.destroy();
	});
	statementSuite("sqlite", () => db);
});
