import { describe, expect, it } from "vitest";
import {
	add,
	alias,
	and,
	asc,
	bitOr,
	columnValue,
	desc,
	div,
	eq,
	eqL,
	escapeForLike,
	gtL,
	ifExpr,
	inList,
	intColumn,
	interval,
	likeL,
	literal,
	lt,
	lteL,
	ltL,
	NotNullable,
	neqL,
	newLockStatement,
	newTable,
	newUnlockStatement,
	not,
	plus,
	regexpL,
	sqlFunc,
	strColumn,
	tuple,
	UTF8,
	UTF8CaseInsensitive,
	union,
} from "../../src/index.js";
import { renderInline } from "../../src/internal/render.js";
import { unionWithGodropboxClauses } from "../../src/internal/union-compat.js";
import { table1, table2, table3 } from "../fixtures/tables.js";

const { col1, col2, col3, col4 } = table1.cols;

// The §15 worked examples of the spec, each asserted whole (godropbox output).
describe("godropbox worked examples (spec §15)", () => {
	it("1 select one column", () => {
		expect(table1.select(col1).toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1`",
		);
	});
	it("2 where", () => {
		expect(table1.select(col1).where(gtL(col1, 123)).toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`>123",
		);
	});
	it("3 andWhere twice", () => {
		const s = table1
			.select(col1)
			.andWhere(gtL(col1, 123))
			.andWhere(ltL(col1, 321));
		expect(s.toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE (`table1`.`col1`>123 AND `table1`.`col1`<321)",
		);
	});
	it("4 limit and offset", () => {
		expect(table1.select(col1).limit(5).offset(2).toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` LIMIT 2, 5",
		);
	});
	it("5 alias of a function and group by", () => {
		const s = table1
			.select(col1, col2, alias("total", sqlFunc("sum", col3)))
			.groupBy(col1, col2);
		expect(s.toSQL("db")).toBe(
			"SELECT `table1`.`col1`,`table1`.`col2`,(sum(`table1`.`col3`)) AS `total` FROM `db`.`table1` GROUP BY `table1`.`col1`,`table1`.`col2`",
		);
	});
	it("6 order by asc", () => {
		expect(table1.select(col1, col2).orderBy(asc(col2)).toSQL("db")).toBe(
			"SELECT `table1`.`col1`,`table1`.`col2` FROM `db`.`table1` ORDER BY `table1`.`col2` ASC",
		);
	});
	it("7 order by bare columns", () => {
		expect(table1.select(col1, col2).orderBy(col2, col1).toSQL("db")).toBe(
			"SELECT `table1`.`col1`,`table1`.`col2` FROM `db`.`table1` ORDER BY `table1`.`col2`,`table1`.`col1`",
		);
	});
	it("8 inner join", () => {
		const j = table1.innerJoinOn(table2, eq(col3, table2.cols.col3));
		expect(j.select(col1, table2.cols.col4).toSQL("db")).toBe(
			"SELECT `table1`.`col1`,`table2`.`col4` FROM `db`.`table1` JOIN `db`.`table2` ON `table1`.`col3`=`table2`.`col3`",
		);
	});
	it("9 shared lock", () => {
		expect(
			table1.select(col1).where(gtL(col1, 123)).withSharedLock().toSQL("db"),
		).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`>123 LOCK IN SHARE MODE",
		);
	});
	it("10 insert a datetime", () => {
		const s = table1.insert(col4).add(new Date(Date.UTC(1999, 0, 2, 3, 4, 5)));
		expect(s.toSQL("db")).toBe(
			"INSERT INTO `db`.`table1` (`table1`.`col4`) VALUES ('1999-01-02 03:04:05.000000')",
		);
	});
	it("11 insert ignore", () => {
		expect(table1.insert(col1).add(1).ignoreDuplicates(true).toSQL("db")).toBe(
			"INSERT IGNORE INTO `db`.`table1` (`table1`.`col1`) VALUES (1)",
		);
	});
	it("12 insert three rows", () => {
		const s = table1.insert(col1, col2).add(1, 2).add(11, 22).add(111, 222);
		expect(s.toSQL("db")).toBe(
			"INSERT INTO `db`.`table1` (`table1`.`col1`,`table1`.`col2`) VALUES (1,2), (11,22), (111,222)",
		);
	});
	it("13 on duplicate key update", () => {
		const s = table1
			.insert(col1, col2)
			.add(1, 2)
			.addOnDuplicateKeyUpdate(col3, literal(3))
			.addOnDuplicateKeyUpdate(col2, literal(4));
		expect(s.toSQL("db")).toBe(
			"INSERT INTO `db`.`table1` (`table1`.`col1`,`table1`.`col2`) VALUES (1,2) ON DUPLICATE KEY UPDATE `table1`.`col3`=3, `table1`.`col2`=4",
		);
	});
	it("14 update", () => {
		expect(
			table1.update().set(col1, literal(1)).where(eqL(col2, 2)).toSQL("db"),
		).toBe(
			"UPDATE `db`.`table1` SET `table1`.`col1`=1 WHERE `table1`.`col2`=2",
		);
	});
	it("15 update two columns", () => {
		const s = table1.update().set(col1, 1).set(col2, 2).where(eqL(col2, 3));
		expect(s.toSQL("db")).toBe(
			"UPDATE `db`.`table1` SET `table1`.`col1`=1, `table1`.`col2`=2 WHERE `table1`.`col2`=3",
		);
	});
	it("16 update with limit", () => {
		const s = table1.update().set(col1, 1).where(eqL(col2, 2)).limit(5);
		expect(s.toSQL("db")).toBe(
			"UPDATE `db`.`table1` SET `table1`.`col1`=1 WHERE `table1`.`col2`=2 LIMIT 5",
		);
	});
	it("17 delete with order by", () => {
		expect(table1.delete().where(eqL(col1, 1)).orderBy(col1).toSQL("db")).toBe(
			"DELETE FROM `db`.`table1` WHERE `table1`.`col1`=1 ORDER BY `table1`.`col1`",
		);
	});
	it("18 lock tables", () => {
		expect(
			newLockStatement().addReadLock(table1).addWriteLock(table2).toSQL("db"),
		).toBe("LOCK TABLES `db`.`table1` READ, `db`.`table2` WRITE");
	});
	it("19 unlock tables", () => {
		expect(newUnlockStatement().toSQL("db")).toBe("UNLOCK TABLES");
	});
	it("20 union of three selects", () => {
		const u = union(
			table1.select(col1).where(gtL(col1, 123)),
			table1.select(col1).where(gtL(col1, 456)),
			table1.select(col1).where(ltL(col1, 23)),
		);
		expect(u.toSQL("db")).toBe(
			"(SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`>123) UNION (SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`>456) UNION (SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`<23)",
		);
	});
	it("21 complicated union (godropbox-only WHERE/GROUP BY through the compatibility path)", () => {
		const u = union(
			table1.select(col1).andWhere(gtL(col1, 123)).andWhere(ltL(col1, 321)),
			table1.select(col1).where(and(gtL(col1, 456), ltL(col1, 654))),
			table1.select(col1).where(ltL(col1, 23)).orderBy(col4).limit(20),
		)
			.orderBy(desc(col4), asc(col3))
			.limit(5);
		const compat = unionWithGodropboxClauses(u, {
			where: and(ltL(col1, 1000), gtL(col1, 15)),
			groupBy: [col4],
		});
		expect(renderInline(compat, "db", true)).toBe(
			"(SELECT `table1`.`col1` FROM `db`.`table1` WHERE (`table1`.`col1`>123 AND `table1`.`col1`<321)) UNION (SELECT `table1`.`col1` FROM `db`.`table1` WHERE (`table1`.`col1`>456 AND `table1`.`col1`<654)) UNION (SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`<23 ORDER BY `table1`.`col4` LIMIT 20) WHERE (`table1`.`col1`<1000 AND `table1`.`col1`>15) GROUP BY `table1`.`col4` ORDER BY `table1`.`col4` DESC,`table1`.`col3` ASC LIMIT 5",
		);
	});
	it("22 package example (shard1, lookups, left join, IN)", () => {
		const parentPrefix = newTable(
			"parent_prefix",
			intColumn("ns_id", NotNullable),
			intColumn("hash", NotNullable),
			strColumn("prefix", UTF8, UTF8CaseInsensitive, NotNullable),
		);
		const sfj = newTable(
			"sfj",
			intColumn("ns_id", NotNullable),
			intColumn("sjid", NotNullable),
			strColumn("filename", UTF8, UTF8CaseInsensitive, NotNullable),
		);
		const q = sfj
			.leftJoinOn(parentPrefix, eq(parentPrefix.c("ns_id"), sfj.c("ns_id")))
			.select(
				sfj.c("ns_id"),
				sfj.c("sjid"),
				parentPrefix.c("prefix"),
				sfj.c("filename"),
			)
			.where(and(eqL(sfj.c("ns_id"), 456), inList(sfj.c("sjid"), [1, 2, 3])));
		expect(q.toSQL("shard1")).toBe(
			"SELECT `sfj`.`ns_id`,`sfj`.`sjid`,`parent_prefix`.`prefix`,`sfj`.`filename` FROM `shard1`.`sfj` LEFT JOIN `shard1`.`parent_prefix` ON `parent_prefix`.`ns_id`=`sfj`.`ns_id` WHERE (`sfj`.`ns_id`=456 AND `sfj`.`sjid` IN (1,2,3))",
		);
	});
	it("23 forced index leaves the original table unchanged", () => {
		expect(table1.forceIndex("foo").toSQL("db")).toBe(
			"`db`.`table1` FORCE INDEX (`foo`)",
		);
		expect(table1.toSQL("db")).toBe("`db`.`table1`");
	});
	it("24 left join expression", () => {
		expect(
			table1.leftJoinOn(table2, eq(col3, table2.cols.col3)).toSQL("db"),
		).toBe(
			"`db`.`table1` LEFT JOIN `db`.`table2` ON `table1`.`col3`=`table2`.`col3`",
		);
	});
	it("25 chained inner joins", () => {
		const j = table1
			.innerJoinOn(table2, eq(col3, table2.cols.col3))
			.innerJoinOn(table3, eq(col1, table3.cols.col1));
		expect(j.toSQL("db")).toBe(
			"`db`.`table1` JOIN `db`.`table2` ON `table1`.`col3`=`table2`.`col3` JOIN `db`.`table3` ON `table1`.`col1`=`table3`.`col1`",
		);
	});
	it("26 and of three", () => {
		expect(and(eqL(col1, 1), eqL(col2, 2), eqL(col3, 3)).toSQL()).toBe(
			"(`table1`.`col1`=1 AND `table1`.`col2`=2 AND `table1`.`col3`=3)",
		);
	});
	it("27 not", () => {
		expect(not(eqL(col1, 123)).toSQL()).toBe("NOT (`table1`.`col1`=123)");
	});
	it("28 equality with null", () => {
		expect(eqL(col1, null).toSQL()).toBe("`table1`.`col1` IS null");
	});
	it("29 not equal", () => {
		expect(neqL(col1, 123).toSQL()).toBe("`table1`.`col1`!=123");
	});
	it("30 less than a float", () => {
		expect(ltL(col1, -1.5).toSQL()).toBe("`table1`.`col1`<-1.5");
	});
	it("31 string escaping", () => {
		const s = newTable(
			"table1",
			strColumn("col1", UTF8, UTF8CaseInsensitive, NotNullable),
		);
		expect(lteL(s.cols.col1, "foo\"';drop user table;").toSQL()).toBe(
			"`table1`.`col1`<='foo\\\"\\';drop user table;'",
		);
	});
	it("32 in list", () => {
		expect(inList(col1, [1, 2, 3]).toSQL()).toBe("`table1`.`col1` IN (1,2,3)");
	});
	it("33 empty in list", () => {
		expect(inList(col1, []).toSQL()).toBe("FALSE");
	});
	it("34 like with escaped prefix", () => {
		const s = newTable(
			"table1",
			strColumn("col1", UTF8, UTF8CaseInsensitive, NotNullable),
		);
		expect(likeL(s.cols.col1, `${escapeForLike("%my_prefix")}%`).toSQL()).toBe(
			"`table1`.`col1` LIKE '\\%my\\_prefix%'",
		);
	});
	it("35 regexp", () => {
		const s = newTable(
			"table1",
			strColumn("col1", UTF8, UTF8CaseInsensitive, NotNullable),
		);
		expect(regexpL(s.cols.col1, "[[:<:]]log|[[.low-line.]]log").toSQL()).toBe(
			"`table1`.`col1` REGEXP '[[:<:]]log|[[.low-line.]]log'",
		);
	});
	it("36 n-ary add", () => {
		expect(add(literal(1), literal(2), literal(3)).toSQL()).toBe("(1 + 2 + 3)");
	});
	it("37 n-ary div", () => {
		expect(div(literal(1), literal(2), literal(3)).toSQL()).toBe("(1 / 2 / 3)");
	});
	it("38 bit or", () => {
		expect(bitOr(literal(1), literal(2)).toSQL()).toBe("1 | 2");
	});
	it("39 binary plus", () => {
		expect(plus(literal(1), literal(2)).toSQL()).toBe("1 + 2");
	});
	it("40 function without arguments", () => {
		expect(sqlFunc("rand").toSQL()).toBe("rand()");
	});
	it("41 if", () => {
		expect(ifExpr(gtL(col1, 1.1), col1, col2).toSQL()).toBe(
			"IF(`table1`.`col1`>1.1,`table1`.`col1`,`table1`.`col2`)",
		);
	});
	it("42 column value", () => {
		expect(columnValue(col1).toSQL()).toBe("VALUES(`table1`.`col1`)");
	});
	it("43 tuple", () => {
		expect(tuple(col1, literal(1), literal("five")).toSQL()).toBe(
			"(`table1`.`col1`,1,'five')",
		);
	});
	it("44 order by desc on its own", () => {
		expect(desc(col1).toSQL()).toBe("`table1`.`col1` DESC");
	});
	it("45-47 intervals: godropbox text through the compatibility renderer", () => {
		expect(renderInline(interval(50), undefined, true)).toBe(
			"INTERVAL '0:0:0:50' HOUR_MICROSECOND",
		);
		expect(renderInline(interval(-50), undefined, true)).toBe(
			"INTERVAL '-0:0:0:50' HOUR_MICROSECOND",
		);
		const us = ((50 * 60 + 50) * 60 + 50) * 1_000_000 + 50;
		expect(renderInline(interval(us), undefined, true)).toBe(
			"INTERVAL '50:50:50:50' HOUR_MICROSECOND",
		);
	});
	it("45-47 intervals: fixed (zero-padded) microseconds from toSQL", () => {
		expect(interval(50).toSQL()).toBe(
			"INTERVAL '0:0:0:000050' HOUR_MICROSECOND",
		);
		expect(interval(-50).toSQL()).toBe(
			"INTERVAL '-0:0:0:000050' HOUR_MICROSECOND",
		);
		const us = ((50 * 60 + 50) * 60 + 50) * 1_000_000 + 50;
		expect(interval(us).toSQL()).toBe(
			"INTERVAL '50:50:50:000050' HOUR_MICROSECOND",
		);
	});
	it("48 unattached then attached column", () => {
		const col = intColumn("col", NotNullable);
		expect(col.toSQL()).toBe("`col`");
		expect(newTable("foo", col).cols.col.toSQL()).toBe("`foo`.`col`");
	});
	it("49 and with one operand", () => {
		expect(and(eqL(col1, 1)).toSQL()).toBe("`table1`.`col1`=1");
	});
	it("lt with a column on the right", () => {
		expect(lt(col1, col2).toSQL()).toBe("`table1`.`col1`<`table1`.`col2`");
	});
});
