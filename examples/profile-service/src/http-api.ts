import type { IncomingMessage, ServerResponse } from "node:http";
import {
	errorCode,
	httpStatusOf,
	InvalidInputError,
	PayloadTooLargeError,
	ProfileNotFoundError,
	RouteError,
} from "./errors.js";
import type { RequestMetrics, RouteKind } from "./metrics.js";
import {
	type Profile,
	parseIdList,
	parseProfileId,
	parseProfileInput,
} from "./profile.js";
import type { ProfileStore } from "./store.js";

/** Largest accepted request body, bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** A handler for routes outside `/profiles` (the viewer); returns false when it has none. */
export type ExtraRoutes = (
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
) => boolean | Promise<boolean>;

/** What {@link createApiHandler} serves. */
export interface ApiHandlerOptions {
	readonly store: ProfileStore;
	readonly metrics: RequestMetrics;
	/** Routes checked before answering 404 (the viewer's `/`, `/api/*`). */
	readonly extraRoutes?: ExtraRoutes | undefined;
	/** Clock for `updatedAt`. @defaultValue `() => new Date()` */
	readonly now?: (() => Date) | undefined;
}

/** Writes a JSON response. */
export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		"content-type": "application/json; charset=utf-8",
		"content-length": Buffer.byteLength(text),
		"cache-control": "no-store",
		...headers,
	});
	res.end(text);
}

/** Reads a request body of at most {@link MAX_BODY_BYTES} and parses it as JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
		chunks.push(chunk);
	}
	const text = Buffer.concat(chunks).toString("utf8");
	if (text.trim() === "")
		throw new InvalidInputError("request body is empty; send a JSON object");
	try {
		return JSON.parse(text) as unknown;
	} catch (err) {
		throw new InvalidInputError(
			`request body is not valid JSON: ${(err as Error).message}`,
		);
	}
}

function sendError(res: ServerResponse, err: unknown): void {
	const status = httpStatusOf(err);
	const code = errorCode(err) ?? "ERR_PROFILE_SERVICE_INTERNAL";
	// 5xx messages of dependencies can carry addresses or SQL; say what failed, not the details.
	const message =
		status >= 500
			? status === 503
				? "the cache or the database is unavailable; retry later"
				: "internal error"
			: (err as Error).message;
	const headers: Record<string, string> = {};
	if (err instanceof RouteError && err.allow !== undefined)
		headers.allow = err.allow;
	if (res.headersSent) {
		res.destroy();
		return;
	}
	sendJson(res, status, { error: { code, message } }, headers);
}

/**
 * The API as a `node:http` request listener:
 *
 * | route | answer |
 * |---|---|
 * | `GET /profiles/:id` | 200 profile, 404 |
 * | `GET /profiles?ids=1,2,3` | 200 `{ profiles, missing }` (multi-get, ≤ 100 ids) |
 * | `PUT /profiles/:id` | 200 stored profile; body `{ name, email, bio? }` |
 * | `DELETE /profiles/:id` | 204 |
 *
 * Errors are `{ "error": { "code", "message" } }` with the status from `httpStatusOf`.
 */
export function createApiHandler(
	options: ApiHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
	const { store, metrics } = options;
	const now = options.now ?? (() => new Date());

	const route = async (
		req: IncomingMessage,
		res: ServerResponse,
		url: URL,
	): Promise<void> => {
		const method = req.method ?? "GET";
		const parts = url.pathname.split("/").filter((p) => p !== "");
		if (parts[0] === "profiles" && parts.length === 1) {
			if (method !== "GET")
				throw new RouteError(
					`${method} is not allowed on /profiles`,
					405,
					"GET",
				);
			const ids = parseIdList(url.searchParams.get("ids"));
			const found = await store.getMulti(ids);
			const profiles: Profile[] = [];
			const missing: number[] = [];
			found.forEach((p, i) => {
				if (p === undefined) missing.push(ids[i] as number);
				else profiles.push(p);
			});
			sendJson(res, 200, { profiles, missing });
			return;
		}
		if (parts[0] === "profiles" && parts.length === 2) {
			const id = parseProfileId(decodeURIComponent(parts[1] as string));
			switch (method) {
				case "GET": {
					const profile = await store.get(id);
					if (profile === undefined) throw new ProfileNotFoundError(id);
					sendJson(res, 200, profile);
					return;
				}
				case "PUT": {
					const input = parseProfileInput(await readJsonBody(req));
					const profile: Profile = {
						id,
						...input,
						updatedAt: now().toISOString(),
					};
					await store.put(profile);
					sendJson(res, 200, profile);
					return;
				}
				case "DELETE": {
					await store.delete(id);
					res.writeHead(204).end();
					return;
				}
				default:
					throw new RouteError(
						`${method} is not allowed on /profiles/:id`,
						405,
						"GET, PUT, DELETE",
					);
			}
		}
		if (
			options.extraRoutes !== undefined &&
			(await options.extraRoutes(req, res, url))
		)
			return;
		throw new RouteError(
			`no route for ${method} ${url.pathname}; try GET /profiles/1`,
			404,
		);
	};

	return (req, res) => {
		const started = process.hrtime.bigint();
		const url = new URL(req.url ?? "/", "http://localhost");
		const kind = routeKind(req.method ?? "GET", url.pathname);
		res.once("finish", () => {
			const micros = Number(process.hrtime.bigint() - started) / 1000;
			metrics.record(kind, res.statusCode, micros);
		});
		route(req, res, url).catch((err: unknown) => sendError(res, err));
	};
}

function routeKind(method: string, pathname: string): RouteKind {
	if (pathname === "/profiles") return "multiget";
	if (!pathname.startsWith("/profiles/")) return "other";
	return method === "PUT" ? "put" : method === "DELETE" ? "delete" : "get";
}
