import {
	createMysqlDatabase,
	createPostgresSchema,
	requireServers,
	type TempMysqlDatabase,
	type TempPostgresSchema,
} from "@godropbox-ts/test-utils";
import knexFactory, { type Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqlStorage } from "../../src/index.js";
import { storageConformanceSuite } from "../helpers/conformance.js";
import { item } from "../helpers/items.js";
import {
	createItemsTable,
	itemsStorage,
	itemsTable,
} from "../helpers/sql-tables.js";

const mysqlOk = await requireServers("mysql");
const pgOk = await requireServers("postgres");

async function sqlite(): Promise<Knex> {
	const knex = knexFactory({
		client: "better-sqlite3",
		connection: { filename: ":memory:" },
		useNullAsDefault: true,
		pool: { min: 1, max: 1 },
	});
	await createItemsTable(knex);
	return knex;
}

describe("SqlStorage on SQLite", () => {
	storageConformanceSuite("SqlStorage (SQLite)", async () => {
		const knex = await sqlite();
		return { storage: itemsStorage(knex), close: () => knex.destroy() };
	});

	let knex: Knex;
	beforeAll(async () => {
		knex = await sqlite();
	});
	afterAll(async () => {
		await knex.destroy();
	});

	it("multi operations are one statement each", async () => {
		const s = itemsStorage(knex);
		const sql: string[] = [];
		const onQuery = (q: { sql: string }): void => {
			sql.push(q.sql);
		};
		knex.on("query", onQuery);
		try {
			const items = Array.from({ length: 300 }, (_, i) => item(`m${i}`, i));
			await s.setMulti(items);
			await s.getMulti(items.map((x) => x.key));
			await s.deleteMulti(items.map((x) => x.key));
		} finally {
			knex.off("query", onQuery);
		}
		expect(sql).toHaveLength(3);
		expect(sql[0]).toMatch(
			/^INSERT INTO "cache_items" .* ON CONFLICT \("item_key"\) DO UPDATE SET/,
		);
		expect(sql[1]).toMatch(/^SELECT .* WHERE .*"item_key" IN \(/);
		expect(sql[2]).toMatch(/^DELETE FROM "cache_items" WHERE/);
	});

	it("setMulti with a key twice keeps the last item (one statement may not touch a row twice)", async () => {
		const s = itemsStorage(knex);
		await s.setMulti([item("d", 1), item("e", 1), item("d", 2)]);
		expect(await s.getMulti(["d", "e"])).toEqual([item("d", 2), item("e", 1)]);
	});

	it("a failing statement rejects with ERR_CACHING_BACKEND; bad options throw", async () => {
		const s = new SqlStorage({
			knex,
			table: itemsTable,
			keyColumn: itemsTable.cols.item_key,
			keyOf: (x: { key: string }) => x.key,
			toRow: (x) => ({ item_key: x.key, val: "not a number", note: null }),
			fromRow: (r) => ({ key: String(r.item_key) }),
		});
		await knex.schema.createTable("strict_items", (t) => {
			t.string("item_key").primary();
		});
		const broken = new SqlStorage({
			knex,
			table: itemsTable,
			keyColumn: itemsTable.cols.item_key,
			keyOf: (x: { key: string }) => x.key,
			toRow: () => ({}),
			fromRow: (r) => ({ key: String(r.item_key) }),
		});
		await expect(broken.set({ key: "a" })).rejects.toMatchObject({
			code: "ERR_CACHING_INVALID_OPTION",
		});
		await knex.schema.dropTable("cache_items");
		await expect(s.get("x")).rejects.toMatchObject({
			code: "ERR_CACHING_BACKEND",
			backend: "sql",
		});
		await createItemsTable(knex);
		expect(
			() =>
				new SqlStorage({
					knex,
					table: itemsTable,
					keyColumn: itemsTable.cols.item_key,
					keyOf: (x: { key: string }) => x.key,
					toRow: () => ({}),
					fromRow: () => ({ key: "" }),
					maxBatch: 0,
				}),
		).toThrow(/maxBatch/);
	});
});

describe.skipIf(!mysqlOk)("SqlStorage on MariaDB", () => {
	let db: TempMysqlDatabase | undefined;
	afterAll(async () => {
		await db?.drop();
	});
	storageConformanceSuite("SqlStorage (MariaDB)", async () => {
		db = await createMysqlDatabase("caching");
		const knex = knexFactory({
			client: "mysql2",
			connection: db.connection,
			pool: { min: 0, max: 4 },
		});
		await createItemsTable(knex);
		return { storage: itemsStorage(knex), close: () => knex.destroy() };
	});
});

describe.skipIf(!pgOk)("SqlStorage on PostgreSQL", () => {
	let schema: TempPostgresSchema | undefined;
	afterAll(async () => {
		await schema?.drop();
	});
	storageConformanceSuite("SqlStorage (PostgreSQL)", async () => {
		schema = await createPostgresSchema("caching");
		const knex = knexFactory({
			client: "pg",
			connection: schema.connection,
			pool: { min: 0, max: 4 },
		});
		await createItemsTable(knex);
		return { storage: itemsStorage(knex), close: () => knex.destroy() };
	});
});
