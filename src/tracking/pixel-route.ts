import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PIXEL_GIF, PIXEL_HEADERS } from './pixel';
import { PixelTurns } from './pixel-turns';
import { TrackingService } from './tracking.service';

/** Pixels answered per turn of the event loop while another request is under way (~1 ms of work). */
const PIXELS_PER_TURN_WHILE_BUSY = 8;

/**
 * The GIF as a latin1 string: Node writes the head and a string body of one write in a single chunk, and a Buffer
 * body as a second one (corked, then a writev of both): one chunk less to queue and join per pixel.
 */
const PIXEL_BODY = PIXEL_GIF.toString('latin1');

/** Express's compiled `trust proxy` setting: whether the address at that hop is a proxy we trust. */
type TrustFn = (address: string, hop: number) => boolean;

/**
 * `GET|HEAD /o/:token`, answered straight from the Node HTTP server, ahead of Express and its middleware.
 * The pixel is the one route hit by every open of every mail, answers the same 43 bytes to anyone, reads
 * no body and has no credentials; going through helmet, the request logger, the router and Nest's
 * guards would cost it several times over what it does. Every other request goes to Express unchanged.
 * The client's IP honours the app's `trust proxy` setting exactly as `req.ip` does. While another request is
 * under way, pixels take turns behind it (PixelTurns).
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
    const turns = new PixelTurns(PIXELS_PER_TURN_WHILE_BUSY);
    const answer = (req: IncomingMessage, res: ServerResponse, token: string) => {
      res.writeHead(200, PIXEL_HEADERS);
      res.end(req.method === 'HEAD' ? undefined : PIXEL_BODY, 'latin1');
      const { userAgent, forwardedFor } = pixelHeaders(req.rawHeaders);
      this.tracking.open(token, {
        ip: clientIp(req.socket.remoteAddress, forwardedFor, express.get('trust proxy fn')),
        userAgent,
      });
    };
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const token = pixelToken(req);
      if (token === null) {
        turns.otherStarted(res);
        for (const listener of others) listener.call(server, req, res);
        return;
      }
      // No closure per pixel while the process has nothing else to do (the common case in a burst of opens).
      if (turns.idle) answer(req, res, token);
      else turns.run(() => answer(req, res, token));
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

/**
 * The two headers the pixel keeps, read from the raw list: `req.headers` would build an object of them all.
 * As Node does: the first User-Agent; every X-Forwarded-For, joined with ', '.
 */
export function pixelHeaders(raw: string[]): { userAgent: string | null; forwardedFor: string | null } {
  let userAgent: string | null = null;
  let forwardedFor: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 10 && name.toLowerCase() === 'user-agent') userAgent ??= raw[i + 1];
    else if (name.length === 15 && name.toLowerCase() === 'x-forwarded-for')
      forwardedFor = forwardedFor === null ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
  }
  return { userAgent, forwardedFor };
}

/** As proxy-addr (behind Express's req.ip): the socket's address, then X-Forwarded-For from the right while the hop is trusted. */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | null,
  trust: TrustFn | undefined,
): string | null {
  const socket = remoteAddress ?? null;
  if (!socket || !forwardedFor || !trust) return socket;
  const hops = [
    socket,
    ...forwardedFor
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse(),
  ];
  for (let i = 0; i < hops.length - 1; i++) if (!trust(hops[i], i)) return hops[i];
  return hops[hops.length - 1];
}
