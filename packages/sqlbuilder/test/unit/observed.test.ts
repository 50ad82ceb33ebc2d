import { describe, expect, it } from "vitest";
import {
	add,
	alias,
	and,
	asc,
	bitAnd,
	columnValue,
	count,
	desc,
	eq,
	eqL,
	escapeForLike,
	inList,
	intColumn,
	interval,
	like,
	literal,
	ltL,
	minus,
	mul,
	NotNullable,
	neqL,
	newGtidNextStatement,
	newLockStatement,
	newTable,
	not,
	or,
	plus,
	sqlFunc,
	tuple,
	unionAll,
} from "../../src/index.js";
import { table1, table2, table3 } from "../fixtures/tables.js";

const { col1, col2, col3, col4 } = table1.cols;

// Strings the spec marks **observed** (produced by running the Go code).
describe("observed godropbox output (spec §3–§8)", () => {
	it("bool column compared with true", () => {
		const t = newTable("table1", intColumn("col1", NotNullable));
		expect(eqL(t.cols.col1, true as never).toSQL()).toBe("`table1`.`col1`=1");
	});
	it("alias always parenthesises its expression", () => {
		expect(table1.select(alias("v", col1)).toSQL("db")).toBe(
			"SELECT (`table1`.`col1`) AS `v` FROM `db`.`table1`",
		);
		expect(
			table1.select(alias("s", add(col1, col2, literal(1)))).toSQL("db"),
		).toBe(
			"SELECT ((`table1`.`col1` + `table1`.`col2` + 1)) AS `s` FROM `db`.`table1`",
		);
		expect(desc(alias("total", col1)).toSQL()).toBe("`total` DESC");
	});
	it("null on the left, no IS; Lt null stays <", () => {
		expect(eq(literal(null), col2).toSQL()).toBe("null=`table1`.`col2`");
		expect(neqL(col1, null).toSQL()).toBe("`table1`.`col1` IS NOT null");
	});
	it("tuples and row comparison", () => {
		expect(eq(tuple(col1, col2), tuple(literal(1), literal("a"))).toSQL()).toBe(
			"(`table1`.`col1`,`table1`.`col2`)=(1,'a')",
		);
		expect(tuple(col1).toSQL()).toBe("(`table1`.`col1`)");
	});
	it("bit and compared needs no parentheses", () => {
		expect(eq(bitAnd(col1, literal(4)), literal(4)).toSQL()).toBe(
			"`table1`.`col1` & 4=4",
		);
	});
	it("nested conjunctions and NOT", () => {
		expect(and(or(eqL(col1, 1), eqL(col1, 2)), not(eqL(col2, 1))).toSQL()).toBe(
			"((`table1`.`col1`=1 OR `table1`.`col1`=2) AND NOT (`table1`.`col2`=1))",
		);
		expect(not(and(eqL(col1, 1), eqL(col2, 2))).toSQL()).toBe(
			"NOT ((`table1`.`col1`=1 AND `table1`.`col2`=2))",
		);
		expect(not(inList(col1, [])).toSQL()).toBe("NOT (FALSE)");
	});
	it("functions", () => {
		expect(sqlFunc("COUNT", literal(1)).toSQL()).toBe("COUNT(1)");
		expect(sqlFunc("COALESCE", sqlFunc("MAX", col1), literal(0)).toSQL()).toBe(
			"COALESCE(MAX(`table1`.`col1`),0)",
		);
		expect(count().toSQL()).toBe("COUNT(*)");
		expect(count(col1).toSQL()).toBe("COUNT(`table1`.`col1`)");
	});
	it("column-to-column LIKE and escapeForLike", () => {
		const s = newTable("table1", intColumn("x", NotNullable));
		expect(s.cols.x.toSQL()).toBe("`table1`.`x`");
		expect(like(col1 as never, col2 as never).toSQL()).toBe(
			"`table1`.`col1` LIKE `table1`.`col2`",
		);
		// Fixed: godropbox left the backslash alone (a\%b_c\d).
		expect(escapeForLike("a%b_c\\d")).toBe("a\\%b\\_c\\\\d");
	});
	it("n-ary arithmetic nests safely", () => {
		expect(mul(add(col1, literal(1)), literal(2)).toSQL()).toBe(
			"((`table1`.`col1` + 1) * 2)",
		);
	});
	it("intervals (fixed padding) added to NOW()", () => {
		expect(
			plus(sqlFunc<Date>("NOW"), interval(90 * 60 * 1_000_000)).toSQL(),
		).toBe("NOW() + INTERVAL '1:30:0:000000' HOUR_MICROSECOND");
		expect(interval(1.5).toSQL()).toBe(
			"INTERVAL '0:0:0:000001' HOUR_MICROSECOND",
		);
		expect(interval(-((90 * 60 + 2) * 1_000_000)).toSQL()).toBe(
			"INTERVAL '-1:30:2:000000' HOUR_MICROSECOND",
		);
		expect(interval(100n * 3_600_000_000n + 1000n).toSQL()).toBe(
			"INTERVAL '100:0:0:001000' HOUR_MICROSECOND",
		);
	});
	it("joins: forced index on both sides, nested right join", () => {
		const q = table1
			.forceIndex("idx")
			.leftJoinOn(table2.forceIndex("i2"), eq(col3, table2.cols.col3))
			.select(col1);
		expect(q.toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` FORCE INDEX (`idx`) LEFT JOIN `db`.`table2` FORCE INDEX (`i2`) ON `table1`.`col3`=`table2`.`col3`",
		);
		const nested = table1
			.innerJoinOn(
				table2.innerJoinOn(table3, eq(table2.cols.col3, table3.cols.col1)),
				eq(col3, table2.cols.col3),
			)
			.select(col1);
		expect(nested.toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` JOIN `db`.`table2` JOIN `db`.`table3` ON `table2`.`col3`=`table3`.`col1` ON `table1`.`col3`=`table2`.`col3`",
		);
	});
	it("select: andWhere nesting, locks, comment, distinct, everything at once", () => {
		expect(
			table1
				.select(col1)
				.andWhere(eqL(col1, 1))
				.andWhere(eqL(col2, 2))
				.andWhere(eqL(col3, 3))
				.toSQL("db"),
		).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE ((`table1`.`col1`=1 AND `table1`.`col2`=2) AND `table1`.`col3`=3)",
		);
		expect(table1.select(col1).forUpdate().withSharedLock().toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` FOR UPDATE",
		);
		expect(table1.select(col1).withSharedLock().forUpdate().toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` FOR UPDATE",
		);
		expect(table1.select(col1).comment("x.y?z").distinct().toSQL("db")).toBe(
			"SELECT /* x.y?z */DISTINCT `table1`.`col1` FROM `db`.`table1`",
		);
		expect(
			table1
				.select(col1, alias("n", sqlFunc("COUNT", col2)))
				.comment("q")
				.distinct()
				.where(inList(col1, []))
				.groupBy(col1)
				.orderBy(desc(col1))
				.limit(3)
				.offset(6)
				.forUpdate()
				.toSQL("db"),
		).toBe(
			"SELECT /* q */DISTINCT `table1`.`col1`,(COUNT(`table1`.`col2`)) AS `n` FROM `db`.`table1` WHERE FALSE GROUP BY `table1`.`col1` ORDER BY `table1`.`col1` DESC LIMIT 6, 3 FOR UPDATE",
		);
		expect(table1.select(col1).limit(10).offset(0).toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` LIMIT 0, 10",
		);
		expect(table1.select(col1).limit(0).toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` LIMIT 0",
		);
	});
	it("rendering for two databases differs only in table references", () => {
		const s = table1.select(col1).where(eqL(col1, 1));
		expect(s.toSQL("db").replaceAll("`db`", "`other`")).toBe(s.toSQL("other"));
	});
	it("union all with order by and limit/offset", () => {
		expect(
			unionAll(table1.select(col1), table2.select(table2.cols.col3))
				.orderBy(asc(col1))
				.limit(5)
				.offset(10)
				.toSQL("db"),
		).toBe(
			"(SELECT `table1`.`col1` FROM `db`.`table1`) UNION ALL (SELECT `table2`.`col3` FROM `db`.`table2`) ORDER BY `table1`.`col1` ASC LIMIT 10, 5",
		);
		expect(
			unionAll(table1.select(alias("v", col1)), table1.select(alias("v", col2)))
				.orderBy(desc(alias("v", col1)))
				.limit(3)
				.toSQL("db"),
		).toBe(
			"(SELECT (`table1`.`col1`) AS `v` FROM `db`.`table1`) UNION ALL (SELECT (`table1`.`col2`) AS `v` FROM `db`.`table1`) ORDER BY `v` DESC LIMIT 3",
		);
	});
	it("insert: foreign column, expressions, VALUES(), ignore + upsert, comment", () => {
		expect(
			table1
				.insert(table2.cols.col4 as never)
				.add(1 as never)
				.toSQL("db"),
		).toBe("INSERT INTO `db`.`table1` (`table2`.`col4`) VALUES (1)");
		const t = newTable(
			"table1",
			intColumn("col1", NotNullable),
			intColumn("col4", NotNullable),
			intColumn("col2", NotNullable),
		);
		expect(
			t
				.insert(t.c("col1"), t.c("col4"), t.c("col2"))
				.add(
					literal("x'y") as never,
					sqlFunc("NOW"),
					literal(new Uint8Array([0])) as never,
				)
				.toSQL("db"),
		).toBe(
			"INSERT INTO `db`.`table1` (`table1`.`col1`,`table1`.`col4`,`table1`.`col2`) VALUES ('x\\'y',NOW(),X'00')",
		);
		expect(
			table1
				.insert(col1, col2)
				.add(1, 2)
				.addOnDuplicateKeyUpdate(col2, columnValue(col2))
				.addOnDuplicateKeyUpdate(col3, add(col3, literal(1)))
				.toSQL("db"),
		).toBe(
			"INSERT INTO `db`.`table1` (`table1`.`col1`,`table1`.`col2`) VALUES (1,2) ON DUPLICATE KEY UPDATE `table1`.`col2`=VALUES(`table1`.`col2`), `table1`.`col3`=(`table1`.`col3` + 1)",
		);
		expect(
			table1
				.insert(col1)
				.add(1)
				.ignoreDuplicates(true)
				.comment("c1")
				.toSQL("db"),
		).toBe(
			"INSERT IGNORE INTO /* c1 */`db`.`table1` (`table1`.`col1`) VALUES (1)",
		);
		expect(
			table1
				.insert(col1)
				.add(1)
				.ignoreDuplicates(true)
				.ignoreDuplicates(false)
				.toSQL("db"),
		).toBe("INSERT INTO `db`.`table1` (`table1`.`col1`) VALUES (1)");
	});
	it("update follows table order, last value wins; delete with comment and limit", () => {
		expect(
			table1.update().set(col3, 3).set(col1, 1).where(eqL(col1, 1)).toSQL("db"),
		).toBe(
			"UPDATE `db`.`table1` SET `table1`.`col1`=1, `table1`.`col3`=3 WHERE `table1`.`col1`=1",
		);
		expect(
			table1
				.update()
				.set(col1, 1)
				.set(table1.c("col1"), 2)
				.where(eqL(col1, 1))
				.toSQL("db"),
		).toBe(
			"UPDATE `db`.`table1` SET `table1`.`col1`=2 WHERE `table1`.`col1`=1",
		);
		expect(
			table1.delete().where(eqL(col1, 1)).comment("purge old").toSQL("db"),
		).toBe("DELETE FROM /* purge old */`db`.`table1` WHERE `table1`.`col1`=1");
		expect(
			table1
				.delete()
				.where(ltL(col4, new Date(Date.UTC(2001, 1, 3, 4, 5, 6))))
				.orderBy(asc(col4))
				.limit(100)
				.toSQL("db"),
		).toBe(
			"DELETE FROM `db`.`table1` WHERE `table1`.`col4`<'2001-02-03 04:05:06.000000' ORDER BY `table1`.`col4` ASC LIMIT 100",
		);
	});
	it("lock tables and GTID", () => {
		expect(
			newLockStatement()
				.addWriteLock(table1)
				.addWriteLock(table2)
				.addReadLock(table3)
				.toSQL("db"),
		).toBe(
			"LOCK TABLES `db`.`table1` WRITE, `db`.`table2` WRITE, `db`.`table3` READ",
		);
		const sid = Buffer.from("3e11fa4771ca11e19e33c80aa9429562", "hex");
		expect(newGtidNextStatement(sid, 23).toSQL("db")).toBe(
			'SET GTID_NEXT="3e11fa47-71ca-11e1-9e33-c80aa9429562:23"',
		);
		expect(
			newGtidNextStatement(new Uint8Array(16), 2n ** 64n - 1n).toSQL("bad db"),
		).toBe(
			'SET GTID_NEXT="00000000-0000-0000-0000-000000000000:18446744073709551615"',
		);
		expect(
			newGtidNextStatement("3E11FA47-71CA-11E1-9E33-C80AA9429562", 1).toSQL(),
		).toBe('SET GTID_NEXT="3e11fa47-71ca-11e1-9e33-c80aa9429562:1"');
	});
	it("minus of a plus is parenthesised (precedence fix)", () => {
		expect(minus(literal(5), plus(literal(3), literal(1))).toSQL()).toBe(
			"5 - (3 + 1)",
		);
		expect(mul(plus(literal(1), literal(2)), literal(3)).toSQL()).toBe(
			"((1 + 2) * 3)",
		);
		expect(plus(literal(1), add(literal(2), literal(3))).toSQL()).toBe(
			"1 + (2 + 3)",
		);
	});
});
