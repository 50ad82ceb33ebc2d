import net from "node:net";
import tls from "node:tls";
import type { DialContext, DialFunction, Network } from "@godropbox-ts/net2";
import { ConnectionError, InvalidArgumentError } from "./errors.js";
import { parseAddress } from "./internal/transports.js";

/** Options of {@link saslPlainDial}. */
export interface SaslPlainDialOptions {
	/** SASL user name (no NUL bytes). */
	readonly username: string;
	/** SASL password (no NUL bytes). Never logged nor put in error messages. */
	readonly password: string;
	/**
	 * How to open the socket before authenticating. Default: `net.connect`, or `tls.connect` with
	 * `tls` when given (resolving after the handshake).
	 */
	readonly dial?: DialFunction | undefined;
	/** `tls.connect` options for the default dial (SASL over TLS). */
	readonly tls?: tls.ConnectionOptions | undefined;
}

const OPCODE_SASL_AUTH = 0x21;
const OPAQUE = 0x5341534c; // "SASL"

/**
 * The binary-protocol SASL_AUTH request for mechanism PLAIN (RFC 4616: `authzid NUL authcid NUL
 * passwd`, authzid empty), as memcached's binary protocol carries it: key = mechanism, value =
 * the initial response. @internal
 */
export function encodeSaslPlainAuth(
	username: string,
	password: string,
): Buffer {
	const mech = Buffer.from("PLAIN", "latin1");
	const value = Buffer.from(`\0${username}\0${password}`, "utf8");
	const h = Buffer.alloc(24);
	h[0] = 0x80;
	h[1] = OPCODE_SASL_AUTH;
	h.writeUInt16BE(mech.length, 2);
	h.writeUInt32BE(mech.length + value.length, 8);
	h.writeUInt32BE(OPAQUE, 12);
	return Buffer.concat([h, mech, value]);
}

function defaultDial(
	tlsOptions: tls.ConnectionOptions | undefined,
): DialFunction {
	return (_network: Network, address: string, context: DialContext) =>
		new Promise<net.Socket>((resolve, reject) => {
			const { host, port } = parseAddress(address);
			const socket = tlsOptions
				? tls.connect({
						...(net.isIP(host) === 0 ? { servername: host } : {}),
						...tlsOptions,
						host,
						port,
					})
				: net.connect({ host, port, noDelay: true });
			const event = tlsOptions ? "secureConnect" : "connect";
			const done = (err?: Error): void => {
				socket.off(event, onConnect);
				socket.off("error", done);
				context.signal.removeEventListener("abort", onAbort);
				if (err === undefined) resolve(socket);
				else {
					socket.destroy();
					reject(err);
				}
			};
			const onConnect = (): void => done();
			const onAbort = (): void => done(new Error("dial aborted"));
			socket.once(event, onConnect);
			socket.once("error", done);
			context.signal.addEventListener("abort", onAbort, { once: true });
		});
}

/**
 * A net2 {@link DialFunction} that opens a connection and authenticates it with SASL PLAIN over
 * the **binary** protocol (memcached started with `-S`) before the pool hands it out, so every
 * pooled connection is authenticated once, as memjs does per connection. Use it with
 * `RawBinaryClient` or `createClient({ protocol: "binary" })` through a pool:
 *
 * ```ts
 * const pool = new MultiConnectionPool({ dial: saslPlainDial({ username, password }) });
 * pool.register("tcp", address);
 * const client = new RawBinaryClient({ address, pool });
 * ```
 *
 * A rejected login fails the dial with a `ConnectionError` (ERR_MEMCACHE_CONNECTION) naming the
 * user and the server's message, never the password. memcached's text protocols (ascii, meta)
 * have no SASL.
 *
 * @throws {@link InvalidArgumentError} (ERR_MEMCACHE_INVALID_ARGUMENT) when a credential is not a
 *   string or holds a NUL byte
 */
export function saslPlainDial(options: SaslPlainDialOptions): DialFunction {
	const { username, password } = options ?? {};
	if (typeof username !== "string" || typeof password !== "string")
		throw new InvalidArgumentError(
			"saslPlainDial: username and password must be strings",
		);
	if (username.includes("\0") || password.includes("\0"))
		throw new InvalidArgumentError(
			"saslPlainDial: username and password must not contain NUL bytes",
		);
	const frame = encodeSaslPlainAuth(username, password);
	const dial = options.dial ?? defaultDial(options.tls);
	return async (network, address, context) => {
		const socket = await dial(network, address, context);
		try {
			await authenticate(socket, frame, address, username, context.signal);
		} catch (err) {
			socket.destroy();
			throw err;
		}
		return socket;
	};
}

function authenticate(
	socket: net.Socket,
	frame: Buffer,
	address: string,
	username: string,
	signal: AbortSignal,
): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		let buf: Buffer = Buffer.alloc(0);
		const finish = (err?: Error): void => {
			socket.off("data", onData);
			socket.off("error", onError);
			socket.off("close", onClose);
			signal.removeEventListener("abort", onAbort);
			if (err === undefined) resolve();
			else reject(err);
		};
		const fail = (why: string, cause?: unknown): void =>
			finish(
				new ConnectionError(
					`SASL PLAIN authentication of user ${JSON.stringify(username)} at ${address} failed: ${why}`,
					address,
					cause,
				),
			);
		const onData = (chunk: Buffer): void => {
			buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
			if (buf.length < 24) return;
			const bodyLength = buf.readUInt32BE(8);
			if (buf.length < 24 + bodyLength) return;
			if (
				buf[0] !== 0x81 ||
				buf[1] !== OPCODE_SASL_AUTH ||
				buf.readUInt32BE(12) !== OPAQUE ||
				buf.length !== 24 + bodyLength
			) {
				fail("unexpected reply to SASL_AUTH");
				return;
			}
			const status = buf.readUInt16BE(6);
			if (status === 0) finish();
			else
				fail(
					`status 0x${status.toString(16).padStart(4, "0")} ${JSON.stringify(buf.toString("latin1", 24 + buf.readUInt16BE(2) + (buf[4] as number), 24 + bodyLength))}`,
				);
		};
		const onClose = (): void => fail("the server closed the connection");
		const onError = (err: Error): void => fail(err.message, err);
		const onAbort = (): void => fail("dial aborted", signal.reason);
		socket.on("data", onData);
		socket.once("error", onError);
		socket.once("close", onClose);
		signal.addEventListener("abort", onAbort, { once: true });
		socket.write(frame);
	});
}
