/**
 * A TCP pass-through in front of the fake Messages API that, when armed, cuts the connection right
 * after the first `content_block_delta` of a streamed answer went through: an upstream that dies
 * mid-stream.
 */
import net from 'node:net';

export interface CuttingProxy {
  readonly url: string;
  /** Cut the next answer that streams a content delta. */
  arm(): void;
  /** Connections cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(upstreamPort: number): Promise<CuttingProxy> {
  let armed = false;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      if (armed && chunk.includes('content_block_delta')) {
        armed = false;
        cuts++;
        // Let the delta leave, then reset both sides.
        setTimeout(() => {
          client.resetAndDestroy();
          upstream.destroy();
        }, 20);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm() {
      armed = true;
    },
    get cuts() {
      return cuts;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
