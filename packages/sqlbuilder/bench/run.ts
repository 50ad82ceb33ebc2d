/**
 * Build + render benchmark: the same four queries built and rendered by us (toQuery), knex
 * (toSQL, no connection) and kysely (compile), interleaved in one process.
 * Run: cd packages/sqlbuilder && npx tsx bench/run.ts   (BENCH_TIME_MS, BENCH_ROUNDS tune it)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import {
	type BenchRow,
	benchMarkdown,
	runScenario,
	writeBenchReport,
} from "@godropbox-ts/test-utils";
import knexFactory from "knex";
import {
	DummyDriver,
	Kysely,
	sql as ksql,
	MysqlAdapter,
	MysqlIntrospector,
	MysqlQueryCompiler,
} from "kysely";
import type * as Sqlbuilder from "../src/index.js";

// Measure the built package (what users load). tsx's on-the-fly transform of src/ is several
// times slower than tsup's output for this code, which would measure tsx rather than us.
const dist = new URL("../dist/index.js", import.meta.url);
if (!fs.existsSync(dist))
	execFileSync("npx", ["tsup"], {
		cwd: new URL("..", import.meta.url),
		stdio: "inherit",
	});
const {
	alias,
	and,
	count,
	desc,
	eq,
	eqL,
	gtL,
	inList,
	intColumn,
	NotNullable,
	Nullable,
	newTable,
	strColumn,
	UTF8,
	UTF8Binary,
} = (await import(dist.href)) as typeof Sqlbuilder;

const users = newTable(
	"users",
	intColumn("id", NotNullable),
	strColumn("name", UTF8, UTF8Binary, NotNullable),
	strColumn("email", UTF8, UTF8Binary, Nullable),
	intColumn("age", Nullable),
	intColumn("team_id", Nullable),
);
const teams = newTable(
	"teams",
	intColumn("id", NotNullable),
	strColumn("title", UTF8, UTF8Binary, NotNullable),
);
const u = users.cols;

interface DB {
	users: {
		id: number;
		name: string;
		email: string | null;
		age: number | null;
		team_id: number | null;
	};
	teams: { id: number; title: string };
}

const knex = knexFactory({ client: "mysql2" });
const kysely = new Kysely<DB>({
	dialect: {
		createAdapter: () => new MysqlAdapter(),
		createDriver: () => new DummyDriver(),
		createIntrospector: (db) => new MysqlIntrospector(db),
		createQueryCompiler: () => new MysqlQueryCompiler(),
	},
});

const ids = [1, 2, 3, 4, 5, 6, 7, 8];
const rows = Array.from(
	{ length: 100 },
	(_, i) => [i, `user${i}`, `u${i}@x.org`, 20 + (i % 50), i % 7] as const,
);
const knexRows = rows.map(([id, name, email, age, team_id]) => ({
	id,
	name,
	email,
	age,
	team_id,
}));

const scenarios = [
	{
		title: "5-column select with where / in / order / limit",
		ours: () =>
			users
				.select(u.id, u.name, u.email, u.age, u.team_id)
				.where(and(inList(u.id, ids), gtL(u.age, 18)))
				.orderBy(desc(u.age))
				.limit(10)
				.toQuery("mysql"),
		knex: () =>
			knex("users")
				.select("id", "name", "email", "age", "team_id")
				.whereIn("id", ids)
				.andWhere("age", ">", 18)
				.orderBy("age", "desc")
				.limit(10)
				.toSQL(),
		kysely: () =>
			kysely
				.selectFrom("users")
				.select(["id", "name", "email", "age", "team_id"])
				.where("id", "in", ids)
				.where("age", ">", 18)
				.orderBy("age", "desc")
				.limit(10)
				.compile(),
	},
	{
		title: "join with group by",
		ours: () =>
			users
				.innerJoinOn(teams, eq(u.team_id, teams.cols.id))
				.select(teams.cols.title, alias("n", count()))
				.where(gtL(u.age, 30))
				.groupBy(teams.cols.title)
				.toQuery("mysql"),
		knex: () =>
			knex("users")
				.join("teams", "users.team_id", "teams.id")
				.select("teams.title")
				.count({ n: "*" })
				.where("users.age", ">", 30)
				.groupBy("teams.title")
				.toSQL(),
		kysely: () =>
			kysely
				.selectFrom("users")
				.innerJoin("teams", "users.team_id", "teams.id")
				.select(["teams.title", ksql<number>`count(*)`.as("n")])
				.where("users.age", ">", 30)
				.groupBy("teams.title")
				.compile(),
	},
	{
		title: "100-row insert",
		ours: () =>
			users
				.insert(u.id, u.name, u.email, u.age, u.team_id)
				.addRows(rows)
				.toQuery("mysql"),
		knex: () => knex("users").insert(knexRows).toSQL(),
		kysely: () => kysely.insertInto("users").values(knexRows).compile(),
	},
	{
		title: "update",
		ours: () =>
			users
				.update()
				.set(u.name, "ann")
				.set(u.age, 31)
				.where(eqL(u.id, 7))
				.toQuery("mysql"),
		knex: () =>
			knex("users").update({ name: "ann", age: 31 }).where("id", 7).toSQL(),
		kysely: () =>
			kysely
				.updateTable("users")
				.set({ name: "ann", age: 31 })
				.where("id", "=", 7)
				.compile(),
	},
];

const results: { title: string; rows: BenchRow[] }[] = [];
for (const s of scenarios) {
	const rowsOut = await runScenario({
		title: s.title,
		ours: { name: "@godropbox-ts/sqlbuilder", fn: s.ours },
		peers: [
			{ name: "knex (toSQL)", fn: s.knex },
			{ name: "kysely (compile)", fn: s.kysely },
		],
	});
	results.push({ title: s.title, rows: rowsOut });
}
console.log(`\nNode ${process.version}`);
writeBenchReport(
	benchMarkdown("@godropbox-ts/sqlbuilder — build + render", results),
);
await knex.destroy();
