import {
	createMysqlDatabase,
	requireServers,
	type TempMysqlDatabase,
} from "@godropbox-ts/test-utils";
import fc from "fast-check";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	and,
	bytesColumn,
	eqL,
	escapeForLike,
	executeMysql2,
	inList,
	intColumn,
	likeL,
	NotNullable,
	newTable,
	strColumn,
	UTF8,
	UTF8Binary,
} from "../../src/index.js";

const ok = await requireServers("mysql");

const esc = newTable(
	"esc",
	intColumn("id", NotNullable),
	strColumn("s", UTF8, UTF8Binary, NotNullable),
	bytesColumn("b", NotNullable),
);
const { id, s, b } = esc.cols;

// Characters the encoder treats specially, mixed into arbitrary Unicode (all planes).
const special = fc.constantFrom(
	"'",
	'"',
	"\\",
	"\0",
	"%",
	"_",
	"?",
	"\b",
	"\n",
	"\r",
	"\t",
	"\x1a",
	"\\%",
	"\\_",
	"??",
);
// Letters that follow a backslash in MySQL escape sequences, plain ASCII and all planes.
const escapeLetters = fc.constantFrom(
	"n",
	"0",
	"Z",
	"b",
	"t",
	"r",
	"N",
	"x",
	"'",
);
const text = fc
	.array(
		fc.oneof(
			special,
			escapeLetters,
			fc.string({ unit: "binary-ascii", maxLength: 6 }),
			fc.string({ unit: "binary", maxLength: 6 }),
		),
		{ maxLength: 12 },
	)
	.map((parts) => parts.join(""))
	.filter(
		(x) =>
			!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(
				x,
			),
	);
const bytes = fc.uint8Array({ maxLength: 40 });
const rows = fc.array(fc.tuple(text, bytes), { minLength: 1, maxLength: 6 });

const SEED = 20261201;
const RUNS = 450; // per property; up to 6 rows each: a few thousand values in total

describe.skipIf(!ok)(
	"escaping round-trips through real MariaDB (seeded property)",
	() => {
		let temp: TempMysqlDatabase;
		let conn: mysql.Connection;
		let nextId = 0;

		beforeAll(async () => {
			temp = await createMysqlDatabase("sqlbesc");
			conn = await mysql.createConnection({
				...temp.connection,
				charset: "utf8mb4",
			});
			await conn.query(
				"CREATE TABLE esc (id INT NOT NULL PRIMARY KEY, s LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, b LONGBLOB NOT NULL)",
			);
		});
		afterAll(async () => {
			await conn?.end();
			await temp?.drop();
		});

		async function check(
			values: [string, Uint8Array][],
			inline: boolean,
		): Promise<void> {
			const ids = values.map(() => ++nextId);
			let ins = esc.insert(id, s, b);
			values.forEach(([str, buf], i) => {
				ins = ins.add(ids[i] as number, str, buf);
			});
			if (inline) await conn.query(ins.toSQL(temp.database));
			else await executeMysql2(ins, conn);
			const q = esc.select(id, s, b).where(inList(id, ids)).orderBy(id);
			const got = inline
				? ((
						await conn.query({
							sql: q.toSQL(temp.database),
							supportBigNumbers: true,
						})
					)[0] as {
						id: number;
						s: string;
						b: Buffer;
					}[])
				: await executeMysql2(q, conn);
			expect(
				got.map((r) => [r.id, r.s, Buffer.from(r.b).toString("hex")]),
			).toEqual(
				values.map(([str, buf], i) => [
					ids[i],
					str,
					Buffer.from(buf).toString("hex"),
				]),
			);
			// The string as a LIKE pattern (escapeForLike) matches itself exactly.
			const [first] = values[0] as [string, Uint8Array];
			const like = esc
				.select(id)
				.where(and(eqL(id, ids[0] as number), likeL(s, escapeForLike(first))));
			const matched = inline
				? ((await conn.query(like.toSQL(temp.database)))[0] as unknown[])
				: await executeMysql2(like, conn);
			expect(matched).toHaveLength(1);
		}

		it("through toSQL (inline escaped literals)", async () => {
			await fc.assert(
				fc.asyncProperty(rows, (v) => check(v, true)),
				{ seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 15_000 },
			);
		}, 40_000);

		it("through toQuery (bound parameters)", async () => {
			await fc.assert(
				fc.asyncProperty(rows, (v) => check(v, false)),
				{ seed: SEED + 1, numRuns: RUNS, interruptAfterTimeLimit: 15_000 },
			);
		}, 40_000);
	},
);
