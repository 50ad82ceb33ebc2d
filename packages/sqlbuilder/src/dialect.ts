/** The SQL dialects `toQuery` renders. */
export type Dialect = "mysql" | "postgres" | "sqlite";

/** A parameter value as handed to the driver (after the dialect's conversions). */
export type QueryParam = string | number | bigint | boolean | Uint8Array | null;

/** `toQuery` output: SQL text with placeholders and the values, in order. */
export interface CompiledQuery {
	/** SQL with `?` (MySQL, SQLite) or `$n` (PostgreSQL) placeholders. */
	readonly sql: string;
	/** One value per placeholder. */
	readonly params: readonly QueryParam[];
}

/** Options of `toQuery`. */
export interface ToQueryOptions {
	/**
	 * Database (MySQL), schema (PostgreSQL) or attached database (SQLite) that qualifies table
	 * names. Unset: table names are written unqualified (the connection's default).
	 * @defaultValue undefined
	 */
	readonly database?: string | undefined;
}
