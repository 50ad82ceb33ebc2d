import type { CompiledQuery, Dialect } from "./dialect.js";
import { SqlBuilderError, SqlBuilderErrorCode } from "./errors.js";
import { normalizeRows, resultFields } from "./internal/normalize.js";
import { renderInline, renderQuery } from "./internal/render.js";
import { SelectStatement } from "./statements/select.js";
import type { Statement } from "./statements/statement.js";
import { UnionStatement } from "./statements/union.js";

/** The part of a knex instance (or transaction) `execute` uses. */
export interface KnexLike {
	raw(sql: string, bindings: readonly unknown[]): KnexRawLike;
	readonly client: {
		/** The driver module knex loaded (pg's exposes `types`). */
		readonly driver?: unknown;
		readonly dialect?: string | undefined;
		readonly driverName?: string | undefined;
		readonly config?: { readonly client?: unknown } | undefined;
	};
}

/** A knex raw query: thenable, with per-query driver options. */
export interface KnexRawLike extends PromiseLike<unknown> {
	options(options: Record<string, unknown>): PromiseLike<unknown>;
}

/** Result of INSERT / UPDATE / DELETE and the other non-SELECT statements. */
export interface WriteResult {
	/** Rows inserted, changed or deleted as the driver counts them (MySQL counts an upsert's update as 2). */
	readonly affectedRows: number;
	/** The auto-increment id of the first inserted row (MySQL) or the last one (SQLite); undefined on PostgreSQL. */
	readonly insertId: number | bigint | undefined;
}

/** Options of {@link execute}. */
export interface ExecuteOptions {
	/**
	 * Database / schema qualifying table names. Unset: unqualified (the connection's default).
	 * @defaultValue undefined
	 */
	readonly database?: string | undefined;
	/** Overrides the dialect detected from the knex client. */
	readonly dialect?: Dialect | undefined;
}

/**
 * The dialect of a knex instance, from its client (`mysql`, `mysql2`, `pg`, `better-sqlite3`, …).
 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_UNKNOWN_DIALECT`
 */
export function knexDialect(knex: KnexLike): Dialect {
	const c = knex.client;
	const name = String(c.driverName ?? c.dialect ?? c.config?.client ?? "");
	if (/mysql|maria/i.test(name)) return "mysql";
	if (/^(pg|postgres|postgresql|pgnative)$/i.test(name)) return "postgres";
	if (/sqlite/i.test(name)) return "sqlite";
	throw new SqlBuilderError(
		SqlBuilderErrorCode.UNKNOWN_DIALECT,
		`Cannot tell the SQL dialect of knex client '${name}': pass { dialect }`,
	);
}

// Per-query driver options that keep BIGINT and DATETIME exact whatever the connection says.
const DRIVER_OPTIONS: Record<Dialect, Record<string, unknown>> = {
	mysql: { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true },
	postgres: {},
	sqlite: { safeIntegers: true },
};

type TypeParser = (oid: number, format?: string) => (value: string) => unknown;

const pgOptionsCache = new WeakMap<object, Record<string, unknown>>();

/**
 * pg parses `timestamp` (oid 1114) in the process time zone; we write UTC wall-clock text, so
 * it is read back as text and parsed as UTC by the result conversion.
 */
function pgOptions(knex: KnexLike): Record<string, unknown> {
	const driver = knex.client.driver as
		| { types?: { getTypeParser?: TypeParser } }
		| undefined;
	const types = driver?.types;
	const base = types?.getTypeParser;
	if (types === undefined || base === undefined) return DRIVER_OPTIONS.postgres;
	let opts = pgOptionsCache.get(types);
	if (opts === undefined) {
		const getTypeParser: TypeParser = (oid, format) =>
			oid === 1114 ? (v: string) => v : base.call(types, oid, format);
		opts = { types: { getTypeParser } };
		pgOptionsCache.set(types, opts);
	}
	return opts;
}

function rowsOf(dialect: Dialect, res: unknown): Record<string, unknown>[] {
	if (dialect === "mysql") return (res as [Record<string, unknown>[]])[0];
	if (dialect === "postgres")
		return (res as { rows: Record<string, unknown>[] }).rows;
	return res as Record<string, unknown>[];
}

function writeResultOf(dialect: Dialect, res: unknown): WriteResult {
	if (dialect === "mysql") {
		const h = (
			res as [{ affectedRows?: number; insertId?: number | string }]
		)[0];
		const id = h?.insertId;
		return {
			affectedRows: Number(h?.affectedRows ?? 0),
			insertId:
				id === undefined ? undefined : typeof id === "string" ? BigInt(id) : id,
		};
	}
	if (dialect === "postgres")
		return {
			affectedRows: Number((res as { rowCount?: number }).rowCount ?? 0),
			insertId: undefined,
		};
	const r = res as {
		changes?: number | bigint;
		lastInsertRowid?: number | bigint;
	};
	const id = r?.lastInsertRowid;
	return {
		affectedRows: Number(r?.changes ?? 0),
		insertId:
			typeof id === "bigint" && Number.isSafeInteger(Number(id))
				? Number(id)
				: id,
	};
}

/**
 * Runs a statement through knex with every value as a binding (`knex.raw(sql, params)`), and
 * returns typed rows for SELECT/UNION or a {@link WriteResult} otherwise.
 *
 * BIGINT values come back exact: `number` when within ±2^53−1, `bigint` beyond (the driver
 * options that guarantee it are set per query). The knex instance is not closed by us.
 *
 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_QUERY_FAILED` (rejects) wrapping the driver error
 * @example const rows = await execute(users.select(users.cols.id).where(eqL(users.cols.id, 1)), db);
 */
export function execute<Row>(
	stmt: SelectStatement<Row> | UnionStatement<Row>,
	knex: KnexLike,
	options?: ExecuteOptions | undefined,
): Promise<Row[]>;
export function execute(
	stmt: Statement,
	knex: KnexLike,
	options?: ExecuteOptions | undefined,
): Promise<WriteResult>;
export async function execute(
	stmt: Statement,
	knex: KnexLike,
	options?: ExecuteOptions | undefined,
): Promise<unknown> {
	const dialect = options?.dialect ?? knexDialect(knex);
	// knex turns every `?` into a binding (and converts them to $n for PostgreSQL itself).
	const q = renderQuery(stmt, dialect, options?.database, "knex");
	let res: unknown;
	try {
		res = await knex
			.raw(q.sql, q.params)
			.options(
				dialect === "postgres" ? pgOptions(knex) : DRIVER_OPTIONS[dialect],
			);
	} catch (cause) {
		throw queryFailed(q, cause);
	}
	return shape(stmt, dialect, res);
}

function queryFailed(q: CompiledQuery, cause: unknown): SqlBuilderError {
	const msg = cause instanceof Error ? cause.message : String(cause);
	return new SqlBuilderError(
		SqlBuilderErrorCode.QUERY_FAILED,
		`Query failed: ${msg}\nsql: ${q.sql}`,
		{ cause, sql: q.sql },
	);
}

function shape(stmt: Statement, dialect: Dialect, res: unknown): unknown {
	const sel =
		stmt instanceof SelectStatement
			? stmt
			: stmt instanceof UnionStatement
				? stmt.props.selects[0]
				: undefined;
	if (sel === undefined) return writeResultOf(dialect, res);
	return normalizeRows(
		rowsOf(dialect, res),
		resultFields(sel.props.projections),
	);
}

/** The part of a mysql2/promise connection or pool {@link executeMysql2} uses. */
export interface Mysql2Like {
	query(options: Mysql2QueryOptions): Promise<unknown>;
}

/** The query options {@link executeMysql2} passes to mysql2. */
export interface Mysql2QueryOptions {
	sql: string;
	values: unknown[];
	supportBigNumbers: boolean;
	bigNumberStrings: boolean;
	dateStrings: boolean;
}

/**
 * Runs a statement on a mysql2/promise connection or pool (no knex): MySQL placeholders, every
 * value bound, BIGINT/DATETIME kept exact by per-query options. The connection is not closed.
 */
export function executeMysql2<Row>(
	stmt: SelectStatement<Row> | UnionStatement<Row>,
	conn: Mysql2Like,
	options?: ExecuteOptions | undefined,
): Promise<Row[]>;
export function executeMysql2(
	stmt: Statement,
	conn: Mysql2Like,
	options?: ExecuteOptions | undefined,
): Promise<WriteResult>;
export async function executeMysql2(
	stmt: Statement,
	conn: Mysql2Like,
	options?: ExecuteOptions | undefined,
): Promise<unknown> {
	// mysql2's client-side formatting substitutes every `?`, comments included; a statement
	// whose comment has one is sent with inline literals instead (godropbox's own rendering).
	let q = renderQuery(stmt, "mysql", options?.database, "question");
	if (q.params.length > 0 && q.sql.split("?").length - 1 !== q.params.length)
		q = { sql: renderInline(stmt, options?.database), params: [] };
	let res: unknown;
	try {
		res = await conn.query({
			sql: q.sql,
			values: [...q.params],
			supportBigNumbers: true,
			bigNumberStrings: true,
			dateStrings: true,
		});
	} catch (cause) {
		throw queryFailed(q, cause);
	}
	return shape(stmt, "mysql", res);
}
