/** What an upload may be (README, Media). */
export const MEDIA_LIMITS = {
  /** the contract's 10 MB */
  maxBytes: 10 * 1024 * 1024,
  /** widest or tallest image taken, in pixels */
  maxSide: 8000,
  /**
   * Pixels decoded for one image (all frames of an animation together): a small file can declare a huge picture
   * (a "decompression bomb"); 50 million RGBA pixels are 200 MB of memory while it is resized.
   */
  maxPixels: 50_000_000,
  /** frames of an animated GIF or WebP */
  maxFrames: 500,
  /**
   * The longest side of the stored image: twice the 600 px a newsletter column usually is, for sharp pictures on
   * high-density (retina) screens. Smaller images are never enlarged.
   */
  storedSide: 1200,
} as const;

/** The four types taken, by sharp's name for the format read from the bytes. */
export const MEDIA_TYPES = {
  png: { mime: 'image/png', ext: 'png' },
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
  gif: { mime: 'image/gif', ext: 'gif' },
  webp: { mime: 'image/webp', ext: 'webp' },
} as const;

export type MediaFormat = keyof typeof MEDIA_TYPES;

/** A stored file's name: what `/media/:name` accepts, so no other path can ever be asked for. */
export const STORED_NAME = /^[0-9a-f]{32}\.(png|jpg|gif|webp)$/;

export const MIME_OF_EXT: Record<string, string> = Object.fromEntries(
  Object.values(MEDIA_TYPES).map((t) => [t.ext, t.mime]),
);
