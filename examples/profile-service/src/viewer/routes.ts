import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkConsistency } from "../consistency.js";
import { InvalidInputError, RouteError } from "../errors.js";
import { type ExtraRoutes, readJsonBody, sendJson } from "../http-api.js";
import {
	SHARD_STATE_NAMES,
	type ShardStateName,
	type Stack,
} from "../stack-types.js";
import type { Sampler } from "./sampler.js";

/** The viewer's page, read once. */
const PAGE = fs.readFileSync(new URL("./page.html", import.meta.url), "utf8");

/** Lets the page change the `--serve` background load. */
export interface BackgroundLoadControl {
	rate(): number;
	setRate(perSec: number): void;
}

/** Options of {@link createViewerRoutes}. */
export interface ViewerRoutesOptions {
	readonly stack: Stack;
	readonly sampler: Sampler;
	readonly background?: BackgroundLoadControl | undefined;
	/** Ids 1..profiles are compared by `POST /api/consistency`. @defaultValue 100000 */
	readonly profiles?: number | undefined;
}

/** The viewer's routes plus `close()`, which ends every open event stream. */
export interface ViewerRoutes {
	readonly handle: ExtraRoutes;
	/** Open server-sent-event streams. */
	readonly streams: number;
	close(): void;
}

/**
 * Routes of the live introspection page:
 *
 * | route | answer |
 * |---|---|
 * | `GET /` | the page (HTML + inline JS + SVG, no build step) |
 * | `GET /api/snapshot` | the latest {@link Snapshot} |
 * | `GET /api/events` | server-sent events: `history` once, then `snapshot` per tick |
 * | `POST /api/shards` | `{ address, state }` → `updateShardStates` with that shard changed |
 * | `POST /api/background` | `{ rate }` → background requests per second (`--serve`) |
 * | `POST /api/consistency` | compares every cached profile with the database → `{ checked, cached, stale, staleIds }` |
 */
export function createViewerRoutes(options: ViewerRoutesOptions): ViewerRoutes {
	const { stack, sampler } = options;
	const streams = new Set<ServerResponse>();

	const events = (req: IncomingMessage, res: ServerResponse): void => {
		res.writeHead(200, {
			"content-type": "text/event-stream; charset=utf-8",
			"cache-control": "no-store",
			connection: "keep-alive",
		});
		res.write(
			`retry: 2000\nevent: history\ndata: ${JSON.stringify(sampler.history())}\n\n`,
		);
		const unsubscribe = sampler.subscribe((s) => {
			res.write(`event: snapshot\ndata: ${JSON.stringify(s)}\n\n`);
		});
		streams.add(res);
		const done = (): void => {
			unsubscribe();
			streams.delete(res);
		};
		req.once("close", done);
		res.once("close", done);
	};

	const handle: ExtraRoutes = async (req, res, url) => {
		const method = req.method ?? "GET";
		const only = (allowed: string): void => {
			if (method !== allowed)
				throw new RouteError(
					`${method} is not allowed on ${url.pathname}`,
					405,
					allowed,
				);
		};
		switch (url.pathname) {
			case "/":
			case "/index.html":
				only("GET");
				res.writeHead(200, {
					"content-type": "text/html; charset=utf-8",
					"content-length": Buffer.byteLength(PAGE),
					"cache-control": "no-store",
				});
				res.end(PAGE);
				return true;
			case "/api/snapshot":
				only("GET");
				sendJson(res, 200, sampler.history().at(-1) ?? sampler.tick());
				return true;
			case "/api/events":
				only("GET");
				events(req, res);
				return true;
			case "/api/shards": {
				if (method === "GET") {
					sendJson(res, 200, { shards: stack.shards() });
					return true;
				}
				only("POST");
				const body = (await readJsonBody(req)) as {
					address?: unknown;
					state?: unknown;
				};
				if (typeof body?.address !== "string")
					throw new InvalidInputError(
						"field 'address' must be a shard address string",
					);
				if (!SHARD_STATE_NAMES.includes(body.state as ShardStateName))
					throw new InvalidInputError(
						`field 'state' must be one of ${SHARD_STATE_NAMES.join(", ")}`,
					);
				await stack.setShardState(body.address, body.state as ShardStateName);
				// Push a fresh tick so every open page shows the change at once.
				sampler.tick();
				sendJson(res, 200, { shards: stack.shards() });
				return true;
			}
			case "/api/consistency": {
				only("POST");
				sendJson(
					res,
					200,
					await checkConsistency(stack, options.profiles ?? 100_000),
				);
				return true;
			}
			case "/api/background": {
				only("POST");
				const bg = options.background;
				if (bg === undefined)
					throw new InvalidInputError(
						"there is no background load in this mode",
					);
				const body = (await readJsonBody(req)) as { rate?: unknown };
				const rate = body?.rate;
				if (
					typeof rate !== "number" ||
					!Number.isInteger(rate) ||
					rate < 0 ||
					rate > 100_000
				)
					throw new InvalidInputError(
						"field 'rate' must be a whole number from 0 to 100000",
					);
				bg.setRate(rate);
				sendJson(res, 200, { rate: bg.rate() });
				return true;
			}
			default:
				return false;
		}
	};

	return {
		handle,
		get streams() {
			return streams.size;
		},
		close: () => {
			for (const res of streams) res.end();
			streams.clear();
		},
	};
}
