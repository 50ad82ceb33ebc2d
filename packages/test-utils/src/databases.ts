import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import pg from "pg";
import { mysqlUrl, postgresUrl, redisUrl } from "./servers.js";

function uniqueName(prefix: string): string {
	return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`
		.toLowerCase()
		.replace(/[^a-z0-9_]/g, "_");
}

/** A throw-away MariaDB/MySQL database. */
export interface TempMysqlDatabase {
	/** The database name. */
	readonly database: string;
	/** A URL whose path selects this database. */
	readonly url: string;
	/** Connection settings for mysql2 / knex. */
	readonly connection: {
		host: string;
		port: number;
		user: string;
		password: string;
		database: string;
	};
	/** Drops the database. */
	drop(): Promise<void>;
}

/** Creates a fresh database on the server at {@link mysqlUrl}; drop it in `afterAll`. */
export async function createMysqlDatabase(
	prefix = "gdt",
): Promise<TempMysqlDatabase> {
	const base = new URL(mysqlUrl());
	const database = uniqueName(prefix);
	const connection = {
		host: base.hostname,
		port: base.port ? Number(base.port) : 3306,
		user: decodeURIComponent(base.username || "root"),
		password: decodeURIComponent(base.password),
	};
	const admin = await mysql.createConnection(connection);
	try {
		await admin.query(
			`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
		);
	} finally {
		await admin.end();
	}
	const url = new URL(base.toString());
	url.pathname = `/${database}`;
	return {
		database,
		url: url.toString(),
		connection: { ...connection, database },
		drop: async () => {
			const c = await mysql.createConnection(connection);
			try {
				await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
			} finally {
				await c.end();
			}
		},
	};
}

/** A throw-away PostgreSQL schema. */
export interface TempPostgresSchema {
	readonly schema: string;
	/** Server URL (the schema is selected through `searchPath`, not the URL). */
	readonly url: string;
	/** Connection settings for pg / knex, with `options` setting the search_path. */
	readonly connection: { connectionString: string; options: string };
	drop(): Promise<void>;
}

/** Creates a fresh schema in the database at {@link postgresUrl}; drop it in `afterAll`. */
export async function createPostgresSchema(
	prefix = "gdt",
): Promise<TempPostgresSchema> {
	const url = postgresUrl();
	const schema = uniqueName(prefix);
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(`CREATE SCHEMA "${schema}"`);
	} finally {
		await client.end();
	}
	return {
		schema,
		url,
		connection: { connectionString: url, options: `-c search_path=${schema}` },
		drop: async () => {
			const c = new pg.Client({ connectionString: url });
			await c.connect();
			try {
				await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			} finally {
				await c.end();
			}
		},
	};
}

/** A key prefix on the Redis at {@link redisUrl} that no other test uses. */
export interface TempRedisNamespace {
	readonly url: string;
	/** Prefix every key with this (it ends in `:`). */
	readonly prefix: string;
	/** Deletes every key under the prefix. */
	drop(): Promise<void>;
}

/** Reserves a unique Redis key prefix; `drop()` deletes its keys in `afterAll`. */
export async function createRedisNamespace(
	prefix = "gdt",
): Promise<TempRedisNamespace> {
	const url = redisUrl();
	const ns = `${uniqueName(prefix)}:`;
	return {
		url,
		prefix: ns,
		drop: async () => {
			const redis = new Redis(url, {
				lazyConnect: true,
				maxRetriesPerRequest: 1,
			});
			await redis.connect();
			try {
				let cursor = "0";
				do {
					const [next, keys] = await redis.scan(
						cursor,
						"MATCH",
						`${ns}*`,
						"COUNT",
						1000,
					);
					cursor = next;
					if (keys.length > 0) await redis.del(...keys);
				} while (cursor !== "0");
			} finally {
				redis.disconnect();
			}
		},
	};
}
