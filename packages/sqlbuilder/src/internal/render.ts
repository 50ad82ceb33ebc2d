import type { CompiledQuery, Dialect } from "../dialect.js";
import type {
	Compilable,
	PlaceholderStyle,
	QueryCompiler,
} from "./compiler.js";
import { MysqlQueryCompiler } from "./mysql-query-compiler.js";
import { PostgresQueryCompiler } from "./postgres-query-compiler.js";
import { SqliteQueryCompiler } from "./sqlite-query-compiler.js";

/** Something with a table-expression renderer (tables and joins). */
export interface TableExpressionLike {
	readonly joinType?: string;
}

export function createCompiler(
	dialect: Dialect,
	inline: boolean,
	database: string | undefined,
	placeholders: PlaceholderStyle,
	godropboxCompat = false,
): QueryCompiler {
	const options = { inline, database, placeholders, godropboxCompat };
	switch (dialect) {
		case "mysql":
			return new MysqlQueryCompiler(options);
		case "postgres":
			return new PostgresQueryCompiler(options);
		case "sqlite":
			return new SqliteQueryCompiler(options);
	}
}

/** MySQL text with inline literals (`toSQL`). */
export function renderInline(
	node: Compilable,
	database: string | undefined,
	godropboxCompat = false,
): string {
	const c = createCompiler(
		"mysql",
		true,
		database,
		"question",
		godropboxCompat,
	);
	node.compile(c);
	return c.sql;
}

/** Placeholders and params (`toQuery`). */
export function renderQuery(
	node: Compilable,
	dialect: Dialect,
	database: string | undefined,
	placeholders?: PlaceholderStyle | undefined,
): CompiledQuery {
	const c = createCompiler(
		dialect,
		false,
		database,
		placeholders ?? (dialect === "postgres" ? "dollar" : "question"),
	);
	node.compile(c);
	return c.result();
}

/** An expression or ORDER BY clause on its own (no database). */
export function renderFragment(node: Compilable): string {
	return renderInline(node, undefined);
}

/** A table or join reference. */
export function renderTableExpression(
	node: object,
	database: string | undefined,
): string {
	const c = createCompiler("mysql", true, database, "question");
	c.tableExpression(node, "SELECT");
	return c.sql;
}
