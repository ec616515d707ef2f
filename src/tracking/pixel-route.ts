import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PIXEL_GIF, PIXEL_HEADERS } from './pixel';
import { TrackingService } from './tracking.service';

/** Express's compiled `trust proxy` setting: whether the address at that hop is a proxy we trust. */
type TrustFn = (address: string, hop: number) => boolean;

/**
 * `GET|HEAD /o/:token`, answered straight from the Node HTTP server, ahead of Express and its middleware.
 * The pixel is the one route hit by every open of every mail, answers the same 43 bytes to anyone, reads
 * no body and has no credentials; going through helmet, the request logger, the router and Nest's
 * guards would cost it several times over what it does. Every other request goes to Express unchanged.
 * The client's IP honours the app's `trust proxy` setting exactly as `req.ip` does.
 */
@Injectable()
export class PixelRoute implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tracking: TrackingService,
  ) {}

  onApplicationBootstrap(): void {
    const adapter = this.adapterHost.httpAdapter;
    const server = adapter?.getHttpServer() as Server | undefined;
    if (!server) return; // a worker: no HTTP
    const express = adapter.getInstance<{ get(setting: string): TrustFn | undefined }>();
    const others = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const token = pixelToken(req);
      if (token === null) {
        for (const listener of others) listener.call(server, req, res);
        return;
      }
      res.writeHead(200, PIXEL_HEADERS);
      res.end(req.method === 'HEAD' ? undefined : PIXEL_GIF);
      this.tracking.open(token, {
        ip: clientIp(req, express.get('trust proxy fn')),
        userAgent: header(req, 'user-agent'),
      });
    });
  }
}

/** The token of `GET|HEAD /o/<token>[?…]`; null for any other request. */
export function pixelToken(req: Pick<IncomingMessage, 'method' | 'url'>): string | null {
  const url = req.url ?? '';
  if (!url.startsWith('/o/') || (req.method !== 'GET' && req.method !== 'HEAD')) return null;
  const end = url.indexOf('?');
  const token = end < 0 ? url.slice(3) : url.slice(3, end);
  if (!token || token.includes('/')) return null;
  if (!token.includes('%')) return token;
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}

/** As proxy-addr (behind Express's req.ip): the socket's address, then X-Forwarded-For from the right while the hop is trusted. */
export function clientIp(req: Pick<IncomingMessage, 'socket' | 'headers'>, trust: TrustFn | undefined): string | null {
  const socket = req.socket.remoteAddress ?? null;
  const forwarded = req.headers['x-forwarded-for'];
  if (!socket || !forwarded || !trust) return socket;
  const hops = [
    socket,
    ...String(forwarded)
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse(),
  ];
  for (let i = 0; i < hops.length - 1; i++) if (!trust(hops[i], i)) return hops[i];
  return hops[hops.length - 1];
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}
