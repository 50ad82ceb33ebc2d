import {
	createMysqlDatabase,
	requireServers,
	type TempMysqlDatabase,
} from "@godropbox-ts/test-utils";
import knexFactory, { type Knex } from "knex";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	alias,
	dateTimeColumn,
	eqL,
	execute,
	executeMysql2,
	intColumn,
	interval,
	literal,
	minus,
	NotNullable,
	newLockStatement,
	newTable,
	newUnlockStatement,
	plus,
	SqlBuilderError,
	SqlBuilderErrorCode,
	sqlFunc,
} from "../../src/index.js";
import { renderInline } from "../../src/internal/render.js";

const ok = await requireServers("mysql");

const ev = newTable(
	"ev",
	intColumn("id", NotNullable),
	dateTimeColumn("at", NotNullable),
);
const { id, at } = ev.cols;
const AT = new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 123));

describe.skipIf(!ok)("MariaDB-specific statements", () => {
	let temp: TempMysqlDatabase;
	let db: Knex;
	let conn: mysql.Connection;
	beforeAll(async () => {
		temp = await createMysqlDatabase("sqlbf");
		db = knexFactory({
			client: "mysql2",
			connection: temp.connection,
			pool: { min: 0, max: 2 },
		});
		conn = await mysql.createConnection(temp.connection);
		await db.raw(
			"CREATE TABLE ev (id INT NOT NULL PRIMARY KEY, at DATETIME(6) NOT NULL)",
		);
		await execute(ev.insert(id, at).add(1, AT), db);
	});
	afterAll(async () => {
		await conn?.end();
		await db?.destroy();
		await temp?.drop();
	});

	const micros = (e: Parameters<typeof plus>[1]) =>
		ev
			.select(
				alias("f", sqlFunc<string>("DATE_FORMAT", plus(at, e), literal("%f"))),
			)
			.where(eqL(id, 1));

	it("interval microseconds are exact (godropbox's unpadded text is not)", async () => {
		expect(await execute(micros(interval(50)), db)).toEqual([{ f: "123050" }]);
		expect(await execute(micros(interval(1000)), db)).toEqual([
			{ f: "124000" },
		]);
		// godropbox's text '0:0:0:50' is read by the server as half a second:
		const compat = renderInline(micros(interval(50)), temp.database, true);
		expect(compat).toContain("'0:0:0:50'");
		const [rows] = await conn.query(compat);
		expect(rows).toEqual([{ f: "623000" }]);
	});

	it("nested binary operators keep their meaning on the server", async () => {
		const q = ev
			.select(alias("v", minus(literal(5), plus(literal(3), literal(1)))))
			.where(eqL(id, 1));
		expect(await execute(q, db)).toEqual([{ v: 1 }]);
	});

	it("LOCK TABLES / UNLOCK TABLES and row locks on one connection", async () => {
		await executeMysql2(newLockStatement().addWriteLock(ev), conn, {
			database: temp.database,
		});
		expect(
			await executeMysql2(ev.select(id).where(eqL(id, 1)).forUpdate(), conn, {
				database: temp.database,
			}),
		).toEqual([{ id: 1 }]);
		await executeMysql2(newUnlockStatement(), conn);
		await db.transaction(async (trx) => {
			expect(
				await execute(ev.select(id).where(eqL(id, 1)).withSharedLock(), trx),
			).toEqual([{ id: 1 }]);
		});
	});

	it("a comment with '?' goes through mysql2 inline and through knex escaped", async () => {
		const q = ev.select(id).where(eqL(id, 1)).comment("why?");
		expect(await executeMysql2(q, conn)).toEqual([{ id: 1 }]);
		expect(await execute(q, db)).toEqual([{ id: 1 }]);
	});

	it("rejects with QUERY_FAILED carrying the driver error", async () => {
		const missing = newTable("nope", intColumn("x", NotNullable));
		const err = await execute(missing.select(missing.cols.x), db).catch(
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(SqlBuilderError);
		expect((err as SqlBuilderError).code).toBe(
			SqlBuilderErrorCode.QUERY_FAILED,
		);
		expect((err as SqlBuilderError).sql).toBe("SELECT `nope`.`x` FROM `nope`");
		expect(((err as SqlBuilderError).cause as { code?: string }).code).toBe(
			"ER_NO_SUCH_TABLE",
		);
	});
});
