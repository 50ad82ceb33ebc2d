import mysql from "mysql2/promise";
import pg from "pg";
import { describe, expect, it } from "vitest";
import {
	createMysqlDatabase,
	createPostgresSchema,
	requireServers,
} from "../src/index.js";

const okMysql = await requireServers("mysql");
const okPg = await requireServers("postgres");

describe.skipIf(!okMysql)("createMysqlDatabase", () => {
	it("creates a usable database and drops it", async () => {
		const db = await createMysqlDatabase("tu");
		const c = await mysql.createConnection(db.connection);
		await c.query("CREATE TABLE t (id INT PRIMARY KEY)");
		await c.query("INSERT INTO t VALUES (1)");
		const [rows] = await c.query("SELECT id FROM t");
		expect(rows).toEqual([{ id: 1 }]);
		await c.end();
		await db.drop();
		const { database: _unused, ...server } = db.connection;
		const admin = await mysql.createConnection(server);
		const [dbs] = await admin.query("SHOW DATABASES LIKE ?", [db.database]);
		expect(dbs).toEqual([]);
		await admin.end();
	});
});

describe.skipIf(!okPg)("createPostgresSchema", () => {
	it("creates a schema selected by search_path and drops it", async () => {
		const s = await createPostgresSchema("tu");
		const c = new pg.Client(s.connection);
		await c.connect();
		const r = await c.query("SELECT current_schema() AS s");
		expect(r.rows[0].s).toBe(s.schema);
		await c.end();
		await s.drop();
		const c2 = new pg.Client({ connectionString: s.url });
		await c2.connect();
		const r2 = await c2.query(
			"SELECT 1 FROM information_schema.schemata WHERE schema_name = $1",
			[s.schema],
		);
		expect(r2.rowCount).toBe(0);
		await c2.end();
	});
});
