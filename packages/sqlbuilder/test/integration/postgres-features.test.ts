import {
	createPostgresSchema,
	requireServers,
	type TempPostgresSchema,
} from "@godropbox-ts/test-utils";
import knexFactory, { type Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	alias,
	bitXor,
	dateTimeColumn,
	eqL,
	execute,
	ifExpr,
	intColumn,
	interval,
	literal,
	NotNullable,
	newTable,
	plus,
	regexpL,
	sqlFunc,
	strColumn,
	UTF8,
	UTF8Binary,
} from "../../src/index.js";

const ok = await requireServers("postgres");

const ev = newTable(
	"ev",
	intColumn("id", NotNullable),
	dateTimeColumn("at", NotNullable),
	strColumn("tag", UTF8, UTF8Binary, NotNullable),
);
const { id, at, tag } = ev.cols;
const AT = new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 123));

describe.skipIf(!ok)("PostgreSQL translations run on the server", () => {
	let temp: TempPostgresSchema;
	let db: Knex;
	beforeAll(async () => {
		temp = await createPostgresSchema("sqlbf");
		db = knexFactory({
			client: "pg",
			connection: temp.connection,
			pool: { min: 0, max: 2 },
		});
		await db.raw(
			"CREATE TABLE ev (id INT NOT NULL PRIMARY KEY, at TIMESTAMP(6) NOT NULL, tag TEXT NOT NULL)",
		);
		await execute(ev.insert(id, at, tag).add(1, AT, "alpha"), db);
	});
	afterAll(async () => {
		await db?.destroy();
		await temp?.drop();
	});

	it("intervals are exact to the microsecond", async () => {
		const q = (us: number) =>
			ev
				.select(
					alias(
						"f",
						sqlFunc<string>("to_char", plus(at, interval(us)), literal("US")),
					),
				)
				.where(eqL(id, 1));
		expect(await execute(q(50), db)).toEqual([{ f: "123050" }]);
		expect(await execute(q(-(90 * 60 * 1_000_000)), db)).toEqual([
			{ f: "123000" },
		]);
	});

	it("REGEXP as ~, IF as CASE, XOR as #, FOR SHARE, schema-qualified names", async () => {
		const q = ev
			.select(
				alias("m", ifExpr(regexpL(tag, "^al"), literal("yes"), literal("no"))),
				alias("x", bitXor(id, literal(3))),
			)
			.where(eqL(id, 1))
			.withSharedLock();
		expect(await execute(q, db, { database: temp.schema })).toEqual([
			{ m: "yes", x: 2 },
		]);
	});
});
