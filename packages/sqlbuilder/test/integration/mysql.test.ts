import {
	createMysqlDatabase,
	requireServers,
	type TempMysqlDatabase,
} from "@godropbox-ts/test-utils";
import knexFactory, { type Knex } from "knex";
import { afterAll, beforeAll, describe } from "vitest";
import { DDL, statementSuite } from "./suite.js";

const ok = await requireServers("mysql");

describe.skipIf(!ok)("MariaDB through knex (mysql2)", () => {
	let temp: TempMysqlDatabase;
	let db: Knex;
	beforeAll(async () => {
		temp = await createMysqlDatabase("sqlb");
		db = knexFactory({
			client: "mysql2",
			connection: temp.connection,
			pool: { min: 0, max: 2 },
		});
		for (const ddl of DDL.mysql) await db.raw(ddl);
	});
	afterAll(async () => {
		await db?.destroy();
		await temp?.drop();
	});
	statementSuite("mysql", () => db);
});
