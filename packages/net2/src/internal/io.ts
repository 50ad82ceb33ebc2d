import type { Socket } from "node:net";
import {
	AbortedError,
	ConnectionFailedError,
	IoTimeoutError,
} from "../errors.js";
import type { Network } from "../network.js";

/** One read: the next buffered chunk, or wait for one (null at end of stream). */
export function readChunk(
	socket: Socket,
	network: Network,
	address: string,
	timeoutMs: number,
	signal: AbortSignal | undefined,
): Promise<Buffer | null> {
	if (signal?.aborted)
		return Promise.reject(new AbortedError(signal.reason, network, address));
	if (socket.readableLength > 0) {
		const chunk = socket.read() as Buffer | null;
		if (chunk !== null) return Promise.resolve(chunk);
	}
	if (socket.readableEnded) return Promise.resolve(null);
	if (socket.destroyed)
		return Promise.reject(
			new ConnectionFailedError("read", network, address, socket.errored),
		);
	return new Promise((resolve, reject) => {
		let timer: NodeJS.Timeout | undefined;
		const cleanup = (): void => {
			if (timer !== undefined) clearTimeout(timer);
			socket.removeListener("readable", onReadable);
			socket.removeListener("end", onEnd);
			socket.removeListener("close", onClose);
			socket.removeListener("error", onError);
			signal?.removeEventListener("abort", onAbort);
		};
		const onReadable = (): void => {
			const chunk = socket.read() as Buffer | null;
			if (chunk !== null) {
				cleanup();
				resolve(chunk);
			}
		};
		const onEnd = (): void => {
			cleanup();
			resolve(null);
		};
		const onClose = (): void => {
			cleanup();
			if (socket.readableEnded) resolve(null);
			else
				reject(
					new ConnectionFailedError("read", network, address, socket.errored),
				);
		};
		const onError = (err: Error): void => {
			cleanup();
			reject(new ConnectionFailedError("read", network, address, err));
		};
		const onAbort = (): void => {
			cleanup();
			reject(new AbortedError(signal?.reason, network, address));
		};
		socket.on("readable", onReadable);
		socket.once("end", onEnd);
		socket.once("close", onClose);
		socket.once("error", onError);
		signal?.addEventListener("abort", onAbort, { once: true });
		if (timeoutMs > 0)
			timer = setTimeout(() => {
				cleanup();
				reject(new IoTimeoutError("read", network, address, timeoutMs));
			}, timeoutMs);
	});
}

/** One write: resolves when the bytes are flushed to the OS. */
export function writeChunk(
	socket: Socket,
	data: string | Uint8Array,
	network: Network,
	address: string,
	timeoutMs: number,
	signal: AbortSignal | undefined,
): Promise<void> {
	if (signal?.aborted)
		return Promise.reject(new AbortedError(signal.reason, network, address));
	if (socket.destroyed || !socket.writable)
		return Promise.reject(
			new ConnectionFailedError("write", network, address, socket.errored),
		);
	return new Promise((resolve, reject) => {
		let timer: NodeJS.Timeout | undefined;
		let settled = false;
		const settle = (err?: Error): void => {
			if (settled) return;
			settled = true;
			if (timer !== undefined) clearTimeout(timer);
			signal?.removeEventListener("abort", onAbort);
			if (err === undefined) resolve();
			else reject(err);
		};
		const onAbort = (): void =>
			settle(new AbortedError(signal?.reason, network, address));
		socket.write(data, (err) => {
			settle(
				err == null
					? undefined
					: new ConnectionFailedError("write", network, address, err),
			);
		});
		if (settled) return;
		signal?.addEventListener("abort", onAbort, { once: true });
		if (timeoutMs > 0)
			timer = setTimeout(
				() => settle(new IoTimeoutError("write", network, address, timeoutMs)),
				timeoutMs,
			);
	});
}
