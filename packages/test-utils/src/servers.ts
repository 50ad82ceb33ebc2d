import { execFileSync } from "node:child_process";
import { canConnect } from "./ports.js";

/** The external servers integration suites depend on. */
export type ServerKind = "memcached" | "mysql" | "postgres" | "redis";

/** Connection URL of MariaDB/MySQL: `MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`. */
export function mysqlUrl(): string {
	return process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
}

/** Connection URL of PostgreSQL: `POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/test`. */
export function postgresUrl(): string {
	return process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
}

/** Connection URL of Redis: `REDIS_URL`, default `redis://127.0.0.1:6379`. */
export function redisUrl(): string {
	return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** Path of the memcached binary: `MEMCACHED_BIN`, else the one on PATH, else undefined. */
export function memcachedBinary(): string | undefined {
	if (process.env.MEMCACHED_BIN) return process.env.MEMCACHED_BIN;
	try {
		return (
			execFileSync("sh", ["-c", "command -v memcached"], {
				encoding: "utf8",
			}).trim() || undefined
		);
	} catch {
		return undefined;
	}
}

const HINTS: Record<ServerKind, string> = {
	memcached:
		"install memcached (Debian/Ubuntu: apt-get install -y memcached; macOS: brew install memcached) or set MEMCACHED_BIN",
	mysql:
		"start MariaDB/MySQL on 127.0.0.1:3306 (root, no password, database test) or set MYSQL_URL",
	postgres:
		"start PostgreSQL on 127.0.0.1:5432 (trust auth, database test) or set POSTGRES_URL",
	redis: "start Redis on 127.0.0.1:6379 or set REDIS_URL",
};

function hostPort(
	url: string,
	defaultPort: number,
): { host: string; port: number } {
	const u = new URL(url);
	return {
		host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
		port: u.port ? Number(u.port) : defaultPort,
	};
}

/** Whether `kind` is usable right now (binary present, or server accepting TCP connections). */
export async function serverAvailable(kind: ServerKind): Promise<boolean> {
	switch (kind) {
		case "memcached":
			return memcachedBinary() !== undefined;
		case "mysql": {
			const { host, port } = hostPort(mysqlUrl(), 3306);
			return canConnect(host, port);
		}
		case "postgres": {
			const { host, port } = hostPort(postgresUrl(), 5432);
			return canConnect(host, port);
		}
		case "redis": {
			const { host, port } = hostPort(redisUrl(), 6379);
			return canConnect(host, port);
		}
	}
}

/** True when running under CI (`CI=true` or `CI=1`): a missing server is then a failure. */
export function isCI(): boolean {
	const v = process.env.CI;
	return (
		v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false"
	);
}

const warned = new Set<string>();

/**
 * Checks that every server in `kinds` is available.
 *
 * Returns true when all are. When one is missing: under CI it throws (the suite fails); on a
 * developer's machine it prints one line naming what to install and returns false, so the
 * caller can `describe.skipIf(!ok)`.
 *
 * @example
 * const ok = await requireServers('memcached');
 * describe.skipIf(!ok)('against real memcached', () => { ... });
 */
export async function requireServers(...kinds: ServerKind[]): Promise<boolean> {
	const missing: ServerKind[] = [];
	for (const kind of kinds) {
		if (!(await serverAvailable(kind))) missing.push(kind);
	}
	if (missing.length === 0) return true;
	const line = `skipping integration tests: ${missing.map((k) => `${k} is missing — ${HINTS[k]}`).join("; ")}`;
	if (isCI())
		throw new Error(`CI=true and a required server is missing: ${line}`);
	if (!warned.has(line)) {
		warned.add(line);
		console.warn(line);
	}
	return false;
}
