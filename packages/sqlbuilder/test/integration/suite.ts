import type { Knex } from "knex";
import { expect, it } from "vitest";
import {
	alias,
	and,
	asc,
	boolColumn,
	bytesColumn,
	columnValue,
	count,
	type Dialect,
	dateTimeColumn,
	desc,
	doubleColumn,
	eqL,
	escapeForLike,
	execute,
	gtL,
	inList,
	intColumn,
	likeL,
	literal,
	NotNullable,
	Nullable,
	newTable,
	plus,
	strColumn,
	UTF8,
	UTF8Binary,
	union,
	unionAll,
} from "../../src/index.js";

export const users = newTable(
	"users",
	intColumn("id", NotNullable),
	strColumn("name", UTF8, UTF8Binary, NotNullable),
	doubleColumn("score", Nullable),
	boolColumn("active", NotNullable),
	bytesColumn("avatar", Nullable),
	dateTimeColumn("created", Nullable),
	intColumn("big", Nullable),
);
export const posts = newTable(
	"posts",
	intColumn("post_id", NotNullable),
	intColumn("author", NotNullable),
	strColumn("title", UTF8, UTF8Binary, NotNullable),
);

export const DDL: Record<Dialect, string[]> = {
	mysql: [
		"CREATE TABLE users (id INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, score DOUBLE NULL, active TINYINT NOT NULL, avatar VARBINARY(100) NULL, created DATETIME(6) NULL, big BIGINT NULL)",
		"CREATE TABLE posts (post_id INT NOT NULL PRIMARY KEY, author INT NOT NULL, title VARCHAR(100) NOT NULL)",
	],
	postgres: [
		"CREATE TABLE users (id INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, score DOUBLE PRECISION NULL, active BOOLEAN NOT NULL, avatar BYTEA NULL, created TIMESTAMP(6) NULL, big BIGINT NULL)",
		"CREATE TABLE posts (post_id INT NOT NULL PRIMARY KEY, author INT NOT NULL, title VARCHAR(100) NOT NULL)",
	],
	sqlite: [
		"CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, score REAL NULL, active INTEGER NOT NULL, avatar BLOB NULL, created TEXT NULL, big INTEGER NULL)",
		"CREATE TABLE posts (post_id INTEGER NOT NULL PRIMARY KEY, author INTEGER NOT NULL, title TEXT NOT NULL)",
	],
};

const { id, name, score, active, avatar, created, big } = users.cols;
const BIG = 9007199254740993n; // 2^53 + 1: not representable as a number

/** Every statement kind, executed through knex on one real database. */
export function statementSuite(_dialect: Dialect, db: () => Knex): void {
	it("inserts rows of every literal type and selects them back typed", async () => {
		const when = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123));
		const ins = users
			.insert(id, name, score, active, avatar, created, big)
			.add(1, "ann", 1.5, true, new Uint8Array([0, 1, 255]), when, BIG)
			.add(2, "bob's \\ ?", null, false, null, null, -5)
			.add(3, "carl", 3.25, true, Buffer.from("x"), null, null);
		const w = await execute(ins, db());
		expect(w.affectedRows).toBe(3);
		const rows = await execute(
			users
				.select(id, name, score, active, avatar, created, big)
				.orderBy(asc(id)),
			db(),
		);
		expect(rows).toEqual([
			{
				id: 1,
				name: "ann",
				score: 1.5,
				active: true,
				avatar: Buffer.from([0, 1, 255]),
				created: when,
				big: BIG,
			},
			{
				id: 2,
				name: "bob's \\ ?",
				score: null,
				active: false,
				avatar: null,
				created: null,
				big: -5,
			},
			{
				id: 3,
				name: "carl",
				score: 3.25,
				active: true,
				avatar: Buffer.from("x"),
				created: null,
				big: null,
			},
		]);
	});

	it("reads dates back as UTC whatever the process time zone", async () => {
		const saved = process.env.TZ;
		process.env.TZ = "Asia/Kolkata";
		try {
			const rows = await execute(users.select(created).where(eqL(id, 1)), db());
			expect(rows).toEqual([
				{ created: new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)) },
			]);
		} finally {
			if (saved === undefined) delete process.env.TZ;
			else process.env.TZ = saved;
		}
	});

	it("filters with and/in/like/bigint and a commented statement containing '?'", async () => {
		const rows = await execute(
			users
				.select(id)
				.where(and(inList(id, [1, 2, 99]), eqL(active, true)))
				.comment("who is active?"),
			db(),
		);
		expect(rows).toEqual([{ id: 1 }]);
		const byBig = await execute(users.select(id).where(eqL(big, BIG)), db());
		expect(byBig).toEqual([{ id: 1 }]);
		const none = await execute(
			users.select(id).where(eqL(big, BIG - 1n)),
			db(),
		);
		expect(none).toEqual([]);
		const liked = await execute(
			users.select(name).where(likeL(name, `${escapeForLike("bob's \\")}%`)),
			db(),
		);
		expect(liked).toEqual([{ name: "bob's \\ ?" }]);
		const empty = await execute(users.select(id).where(inList(id, [])), db());
		expect(empty).toEqual([]);
	});

	it("counts with group by, order by and limit/offset", async () => {
		const rows = await execute(
			users
				.select(active, alias("n", count()))
				.groupBy(active)
				.orderBy(desc(active))
				.limit(10)
				.offset(0),
			db(),
		);
		expect(rows).toEqual([
			{ active: true, n: 2 },
			{ active: false, n: 1 },
		]);
	});

	it("joins and unions", async () => {
		await execute(
			posts
				.insert(posts.cols.post_id, posts.cols.author, posts.cols.title)
				.add(10, 1, "hello")
				.add(11, 1, "again")
				.add(12, 3, "third"),
			db(),
		);
		const joined = await execute(
			users
				.innerJoinOn(posts, eqL(posts.cols.author, 1))
				.select(name, posts.cols.title)
				.where(eqL(id, 1))
				.orderBy(asc(posts.cols.post_id)),
			db(),
		);
		expect(joined).toEqual([
			{ name: "ann", title: "hello" },
			{ name: "ann", title: "again" },
		]);
		const u = await execute(
			unionAll(
				users.select(alias("v", id)).where(eqL(id, 1)),
				users.select(alias("v", id)).where(eqL(id, 3)),
			)
				.orderBy(desc(alias("v", id)))
				.limit(5),
			db(),
		);
		expect(u).toEqual([{ v: 3 }, { v: 1 }]);
		const dedup = await execute(
			union(
				users.select(alias("v", id)).where(eqL(id, 1)),
				users.select(alias("v", id)).where(eqL(id, 1)),
			),
			db(),
		);
		expect(dedup).toEqual([{ v: 1 }]);
	});

	it("updates and deletes", async () => {
		const u = await execute(
			users
				.update()
				.set(score, plus(score, literal(1)))
				.set(name, "carla")
				.where(eqL(id, 3)),
			db(),
		);
		expect(u.affectedRows).toBe(1);
		expect(
			await execute(users.select(name, score).where(eqL(id, 3)), db()),
		).toEqual([{ name: "carla", score: 4.25 }]);
		const d = await execute(
			posts.delete().where(gtL(posts.cols.post_id, 10)),
			db(),
		);
		expect(d.affectedRows).toBe(2);
	});

	it("upserts: update on conflict, and ignore duplicates", async () => {
		const up = users
			.insert(id, name, active)
			.add(1, "ann2", false)
			.add(4, "dan", true)
			.onConflict(id)
			.addOnDuplicateKeyUpdate(name, columnValue(name))
			.addOnDuplicateKeyUpdate(active, columnValue(active));
		await execute(up, db());
		expect(
			await execute(
				users
					.select(id, name, active)
					.where(inList(id, [1, 4]))
					.orderBy(id),
				db(),
			),
		).toEqual([
			{ id: 1, name: "ann2", active: false },
			{ id: 4, name: "dan", active: true },
		]);
		const ign = users
			.insert(id, name, active)
			.add(4, "nobody", false)
			.ignoreDuplicates(true);
		await execute(ign, db());
		expect(await execute(users.select(name).where(eqL(id, 4)), db())).toEqual([
			{ name: "dan" },
		]);
	});
}
