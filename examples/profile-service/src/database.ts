import fs from "node:fs";
import path from "node:path";
import knexFactory, { type Knex } from "knex";
import { DatabaseUrlError, SchemaMismatchError } from "./errors.js";

/** The three databases the service runs on. */
export type DatabaseKind = "sqlite" | "mysql" | "postgres";

/** Where the data lives, as derived from `DATABASE_URL` (or the embedded default). */
export interface DatabaseTarget {
	readonly kind: DatabaseKind;
	/** Human-readable location without credentials, for the startup line and the summary. */
	readonly description: string;
	/** The knex configuration. */
	readonly config: Knex.Config;
}

function redact(url: URL): string {
	const copy = new URL(url.toString());
	if (copy.password !== "") copy.password = "***";
	return copy.toString();
}

/**
 * Chooses the database: `DATABASE_URL` when set (mysql://, mariadb://, postgres://,
 * postgresql://, sqlite:<file>), else the embedded SQLite file `<dataDir>/profiles.sqlite`.
 *
 * @throws {@link DatabaseUrlError} for an unsupported scheme or a malformed URL
 */
export function databaseTarget(
	databaseUrl: string | undefined,
	dataDir: string,
): DatabaseTarget {
	if (databaseUrl === undefined)
		return sqliteTarget(path.join(dataDir, "profiles.sqlite"));
	const scheme = /^([a-z0-9+]+):/i.exec(databaseUrl)?.[1]?.toLowerCase();
	if (scheme === "sqlite" || scheme === "file") {
		const file = databaseUrl.replace(/^[a-z]+:(\/\/)?/i, "");
		if (file === "")
			throw new DatabaseUrlError("DATABASE_URL sqlite:<file> names no file");
		return sqliteTarget(path.resolve(file));
	}
	let url: URL;
	try {
		url = new URL(databaseUrl);
	} catch {
		throw new DatabaseUrlError(
			"DATABASE_URL is not a valid URL (expected e.g. mysql://root@127.0.0.1:3306/test)",
		);
	}
	if (scheme === "mysql" || scheme === "mariadb") {
		const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
		if (database === "")
			throw new DatabaseUrlError(
				"DATABASE_URL must name a database, e.g. mysql://root@127.0.0.1:3306/test",
			);
		return {
			kind: "mysql",
			description: `MySQL/MariaDB ${redact(url)}`,
			config: {
				client: "mysql2",
				connection: {
					host: url.hostname,
					port: url.port === "" ? 3306 : Number(url.port),
					user: decodeURIComponent(url.username || "root"),
					password: decodeURIComponent(url.password),
					database,
					charset: "utf8mb4",
				},
				pool: { min: 0, max: 10 },
			},
		};
	}
	if (scheme === "postgres" || scheme === "postgresql") {
		return {
			kind: "postgres",
			description: `PostgreSQL ${redact(url)}`,
			config: {
				client: "pg",
				connection: { connectionString: databaseUrl },
				pool: { min: 0, max: 10 },
			},
		};
	}
	throw new DatabaseUrlError(
		`DATABASE_URL scheme '${scheme ?? "?"}:' is not supported; use mysql://, mariadb://, postgres:// or sqlite:<file>`,
	);
}

function sqliteTarget(file: string): DatabaseTarget {
	return {
		kind: "sqlite",
		description: `SQLite ${path.relative(process.cwd(), file) || file}`,
		config: {
			client: "better-sqlite3",
			connection: { filename: file },
			useNullAsDefault: true,
			pool: {
				min: 1,
				max: 1,
				// WAL + NORMAL: the durable-enough setting for a demo, and it makes seeding fast.
				afterCreate: (
					conn: { pragma(sql: string): unknown },
					done: (err: Error | null, conn: unknown) => void,
				) => {
					conn.pragma("journal_mode = WAL");
					conn.pragma("synchronous = NORMAL");
					done(null, conn);
				},
			},
		},
	};
}

/** Opens a knex instance for `target`, creating the SQLite directory when needed. */
export function openDatabase(target: DatabaseTarget): Knex {
	if (target.kind === "sqlite") {
		const conn = target.config.connection as { filename: string };
		fs.mkdirSync(path.dirname(conn.filename), { recursive: true });
	}
	return knexFactory(target.config);
}

/** The SQL table name. */
export const PROFILES_TABLE = "profiles";

/**
 * Creates the `profiles` table when it does not exist. An existing table is never altered or
 * dropped; if it lacks a column this service needs, startup stops with a clear error.
 *
 * @returns whether the table was created now
 */
export async function ensureSchema(knex: Knex): Promise<boolean> {
	if (await knex.schema.hasTable(PROFILES_TABLE)) {
		const columns = Object.keys(await knex(PROFILES_TABLE).columnInfo());
		const needed = ["id", "name", "email", "bio", "updated_at"];
		const missing = needed.filter((c) => !columns.includes(c));
		if (missing.length > 0)
			throw new SchemaMismatchError(
				`table '${PROFILES_TABLE}' exists but lacks column(s) ${missing.join(", ")}; point DATABASE_URL at another database`,
			);
		return false;
	}
	await knex.schema.createTable(PROFILES_TABLE, (t) => {
		t.integer("id").notNullable().primary();
		t.string("name", 100).notNullable();
		t.string("email", 254).notNullable();
		t.string("bio", 1000).notNullable();
		t.string("updated_at", 32).notNullable();
	});
	return true;
}
