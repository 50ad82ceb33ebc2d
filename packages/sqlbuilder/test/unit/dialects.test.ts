import { describe, expect, it } from "vitest";
import {
	alias,
	asc,
	bitXor,
	boolColumn,
	bytesColumn,
	columnValue,
	count,
	dateTimeColumn,
	desc,
	eqL,
	gtL,
	ifExpr,
	inList,
	intColumn,
	interval,
	likeL,
	literal,
	NotNullable,
	Nullable,
	newLockStatement,
	newTable,
	newUnlockStatement,
	plus,
	regexpL,
	SqlBuilderErrorCode,
	strColumn,
	UTF8,
	UTF8Binary,
	union,
} from "../../src/index.js";
import { table1 } from "../fixtures/tables.js";

const t = newTable(
	"t",
	intColumn("id", NotNullable),
	strColumn("name", UTF8, UTF8Binary, Nullable),
	boolColumn("ok", NotNullable),
	bytesColumn("raw", Nullable),
	dateTimeColumn("at", Nullable),
);
const { id, name, ok, raw, at } = t.cols;
const when = new Date(Date.UTC(2020, 4, 6, 7, 8, 9, 10));

describe("toQuery per dialect", () => {
	const sel = t
		.select(id, name, alias("n", count()))
		.where(inList(id, [1, 2]))
		.andWhere(eqL(ok, true))
		.andWhere(likeL(name, "a\\_%"))
		.groupBy(id, name)
		.orderBy(desc(id))
		.limit(10)
		.offset(20);

	it("mysql: backticks, ?, LIMIT off, n", () => {
		expect(sel.toQuery("mysql")).toEqual({
			sql: "SELECT `t`.`id`,`t`.`name`,(COUNT(*)) AS `n` FROM `t` WHERE ((`t`.`id` IN (?,?) AND `t`.`ok`=?) AND `t`.`name` LIKE ?) GROUP BY `t`.`id`,`t`.`name` ORDER BY `t`.`id` DESC LIMIT 20, 10",
			params: [1, 2, true, "a\\_%"],
		});
		expect(sel.toQuery("mysql", { database: "shard1" }).sql).toContain(
			"FROM `shard1`.`t`",
		);
	});
	it("postgres: double quotes, $n, LIMIT n OFFSET m", () => {
		expect(sel.toQuery("postgres", { database: "app" })).toEqual({
			sql: 'SELECT "t"."id","t"."name",(COUNT(*)) AS "n" FROM "app"."t" WHERE (("t"."id" IN ($1,$2) AND "t"."ok"=$3) AND "t"."name" LIKE $4) GROUP BY "t"."id","t"."name" ORDER BY "t"."id" DESC LIMIT 10 OFFSET 20',
			params: [1, 2, true, "a\\_%"],
		});
	});
	it("sqlite: booleans as 1/0, LIKE gets ESCAPE", () => {
		expect(sel.toQuery("sqlite")).toEqual({
			sql: 'SELECT "t"."id","t"."name",(COUNT(*)) AS "n" FROM "t" WHERE (("t"."id" IN (?,?) AND "t"."ok"=?) AND "t"."name" LIKE ? ESCAPE \'\\\') GROUP BY "t"."id","t"."name" ORDER BY "t"."id" DESC LIMIT 10 OFFSET 20',
			params: [1, 2, 1, "a\\_%"],
		});
	});
	it("params convert dates, bytes and bigints per dialect; NULL stays inline", () => {
		const ins = t
			.insert(id, name, ok, raw, at)
			.add(9007199254740993n, null, false, new Uint8Array([1, 2]), when);
		expect(ins.toQuery("mysql")).toEqual({
			sql: "INSERT INTO `t` (`t`.`id`,`t`.`name`,`t`.`ok`,`t`.`raw`,`t`.`at`) VALUES (?,null,?,?,?)",
			params: [
				9007199254740993n,
				false,
				Buffer.from([1, 2]),
				"2020-05-06 07:08:09.010000",
			],
		});
		expect(ins.toQuery("postgres")).toEqual({
			sql: 'INSERT INTO "t" ("id","name","ok","raw","at") VALUES ($1,null,$2,$3,$4)',
			params: [
				"9007199254740993",
				false,
				Buffer.from([1, 2]),
				"2020-05-06 07:08:09.010000",
			],
		});
		expect(ins.toQuery("sqlite").params).toEqual([
			9007199254740993n,
			0,
			Buffer.from([1, 2]),
			"2020-05-06 07:08:09.010000",
		]);
	});
	it("upserts", () => {
		const up = t
			.insert(id, name)
			.add(1, "a")
			.onConflict(id)
			.addOnDuplicateKeyUpdate(name, columnValue(name));
		expect(up.toQuery("mysql").sql).toBe(
			"INSERT INTO `t` (`t`.`id`,`t`.`name`) VALUES (?,?) ON DUPLICATE KEY UPDATE `t`.`name`=VALUES(`t`.`name`)",
		);
		expect(up.toQuery("postgres").sql).toBe(
			'INSERT INTO "t" ("id","name") VALUES ($1,$2) ON CONFLICT ("id") DO UPDATE SET "name"=EXCLUDED."name"',
		);
		expect(up.toQuery("sqlite").sql).toBe(
			'INSERT INTO "t" ("id","name") VALUES (?,?) ON CONFLICT ("id") DO UPDATE SET "name"=excluded."name"',
		);
		const ign = t.insert(id).add(1).ignoreDuplicates(true);
		expect(ign.toQuery("postgres").sql).toBe(
			'INSERT INTO "t" ("id") VALUES ($1) ON CONFLICT DO NOTHING',
		);
		expect(ign.toQuery("sqlite").sql).toBe(
			'INSERT OR IGNORE INTO "t" ("id") VALUES (?)',
		);
		const noTarget = t
			.insert(id, name)
			.add(1, "a")
			.addOnDuplicateKeyUpdate(name, "b");
		expect(() => noTarget.toQuery("postgres")).toThrow(
			expect.objectContaining({ code: SqlBuilderErrorCode.UNSUPPORTED }),
		);
	});
	it("update targets unqualified outside MySQL", () => {
		const up = t
			.update()
			.set(name, "x")
			.set(id, plus(id, literal(1)))
			.where(gtL(id, 5));
		expect(up.toQuery("postgres")).toEqual({
			sql: 'UPDATE "t" SET "id"="t"."id" + $1, "name"=$2 WHERE "t"."id">$3',
			params: [1, "x", 5],
		});
		expect(up.toQuery("mysql").sql).toBe(
			"UPDATE `t` SET `t`.`id`=`t`.`id` + ?, `t`.`name`=? WHERE `t`.`id`>?",
		);
	});
	it("operators and functions translated", () => {
		const e = t
			.select(alias("x", ifExpr(regexpL(name, "^a"), id, literal(0))))
			.where(eqL(id, 1));
		expect(e.toQuery("postgres").sql).toBe(
			'SELECT (CASE WHEN "t"."name" ~ $1 THEN "t"."id" ELSE $2 END) AS "x" FROM "t" WHERE "t"."id"=$3',
		);
		expect(e.toQuery("sqlite").sql).toBe(
			'SELECT (CASE WHEN "t"."name" REGEXP ? THEN "t"."id" ELSE ? END) AS "x" FROM "t" WHERE "t"."id"=?',
		);
		expect(
			t.select(alias("x", bitXor(id, literal(3)))).toQuery("postgres").sql,
		).toBe('SELECT ("t"."id" # $1) AS "x" FROM "t"');
		expect(
			t.select(alias("x", plus(at, interval(1_500_050)))).toQuery("postgres")
				.sql,
		).toBe('SELECT ("t"."at" + INTERVAL \'0:00:01.500050\') AS "x" FROM "t"');
		expect(t.select(id).forUpdate().toQuery("postgres").sql).toBe(
			'SELECT "t"."id" FROM "t" FOR UPDATE',
		);
		expect(t.select(id).withSharedLock().toQuery("postgres").sql).toBe(
			'SELECT "t"."id" FROM "t" FOR SHARE',
		);
		expect(t.forceIndex("ix").select(id).toQuery("sqlite").sql).toBe(
			'SELECT "t"."id" FROM "t" INDEXED BY "ix"',
		);
	});
	it("unions: parenthesised except on SQLite", () => {
		const u = union(t.select(alias("v", id)), t.select(alias("v", id)))
			.orderBy(asc(alias("v", id)))
			.limit(3);
		expect(u.toQuery("postgres").sql).toBe(
			'(SELECT ("t"."id") AS "v" FROM "t") UNION (SELECT ("t"."id") AS "v" FROM "t") ORDER BY "v" ASC LIMIT 3',
		);
		expect(u.toQuery("sqlite").sql).toBe(
			'SELECT ("t"."id") AS "v" FROM "t" UNION SELECT ("t"."id") AS "v" FROM "t" ORDER BY "v" ASC LIMIT 3',
		);
	});
	it("unsupported features are typed errors, not broken SQL", () => {
		const cases: [() => unknown, string][] = [
			[
				() => t.select(id).forUpdate().toQuery("sqlite"),
				"FOR UPDATE is not supported by the sqlite dialect",
			],
			[
				() => t.select(alias("x", bitXor(id, literal(1)))).toQuery("sqlite"),
				"bitXor (^) is not supported by the sqlite dialect",
			],
			[
				() => t.select(alias("x", interval(1))).toQuery("sqlite"),
				"INTERVAL is not supported by the sqlite dialect",
			],
			[
				() => t.forceIndex("i").select(id).toQuery("postgres"),
				"FORCE INDEX is not supported by the postgres dialect",
			],
			[
				() =>
					t.update().set(id, 1).where(eqL(id, 1)).limit(1).toQuery("postgres"),
				"UPDATE … LIMIT is not supported by the postgres dialect",
			],
			[
				() => t.delete().where(eqL(id, 1)).orderBy(id).toQuery("sqlite"),
				"DELETE … ORDER BY is not supported by the sqlite dialect",
			],
			[
				() => newLockStatement().addReadLock(t).toQuery("postgres"),
				"LOCK TABLES is not supported by the postgres dialect",
			],
			[
				() => newUnlockStatement().toQuery("sqlite"),
				"UNLOCK TABLES is not supported by the sqlite dialect",
			],
			[
				() =>
					union(t.select(id).orderBy(id).limit(1), t.select(id)).toQuery(
						"sqlite",
					),
				"ORDER BY/LIMIT inside a UNION member is not supported by the sqlite dialect",
			],
		];
		for (const [fn, message] of cases)
			expect(fn).toThrow(
				expect.objectContaining({
					code: SqlBuilderErrorCode.UNSUPPORTED,
					message,
				}),
			);
	});
	it("inline literals per dialect through toSQL stay MySQL", () => {
		expect(
			table1.select(table1.cols.col1).where(eqL(table1.cols.col1, 1)).toSQL(),
		).toBe("SELECT `table1`.`col1` FROM `table1` WHERE `table1`.`col1`=1");
	});
});
