import {
	createPostgresSchema,
	requireServers,
	type TempPostgresSchema,
} from "@godropbox-ts/test-utils";
import knexFactory, { type Knex } from "knex";
import { afterAll, beforeAll, describe } from "vitest";
import { DDL, statementSuite } from "./suite.js";

const ok = await requireServers("postgres");

describe.skipIf(!ok)("PostgreSQL through knex (pg)", () => {
	let temp: TempPostgresSchema;
	let db: Knex;
	beforeAll(async () => {
		temp = await createPostgresSchema("sqlb");
		db = knexFactory({
			client: "pg",
			connection: temp.connection,
			pool: { min: 0, max: 2 },
		});
		for (const ddl of DDL.postgres) await db.raw(ddl);
	});
	afterAll(async () => {
		await db?.destroy();
		await temp?.drop();
	});
	statementSuite("postgres", () => db);
});
