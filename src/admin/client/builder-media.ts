// The builder's image picker (GrapesJS's asset manager) backed by the media library: it lists the library's
// images each time it opens and uploads through the library (which checks, resizes and stores the file), so a
// newsletter only ever points at images the service serves.
import type { Editor, EditorConfig } from 'grapesjs';

interface MediaItem {
  url: string;
  width?: number;
  height?: number;
  name?: string;
}

export interface MediaEndpoints {
  /** POST a file here (multipart `file`) */
  uploadUrl: string;
  /** GET {items:[{url,width,height,name}]} */
  listUrl: string;
  csrfToken: string;
  /** says what went wrong (an upload refused), read out by screen readers */
  status: HTMLElement;
}

type AssetManagerConfig = NonNullable<EditorConfig['assetManager']>;

function asAsset(item: MediaItem) {
  return { type: 'image', src: item.url, name: item.name, width: item.width, height: item.height };
}

/** The library's answer to a refused upload names what is wrong (type, size, dimensions): show it as it is. */
async function refusal(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { message?: unknown } | null;
  const message = Array.isArray(body?.message) ? body.message.join('; ') : body?.message;
  return typeof message === 'string' ? message : `the server answered ${res.status}`;
}

export function mediaAssets(endpoints: MediaEndpoints, editor: () => Editor): AssetManagerConfig {
  const upload = async (file: File): Promise<void> => {
    const form = new FormData();
    form.append('file', file);
    endpoints.status.textContent = `Uploading ${file.name}…`;
    const res = await fetch(endpoints.uploadUrl, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'x-csrf-token': endpoints.csrfToken },
    });
    if (!res.ok) {
      endpoints.status.textContent = `${file.name} was not uploaded: ${await refusal(res)}`;
      return;
    }
    const item = (await res.json()) as MediaItem;
    editor().AssetManager.add(asAsset({ name: file.name, ...item }));
    endpoints.status.textContent = `${file.name} uploaded: choose it to use it`;
  };
  return {
    upload: endpoints.uploadUrl,
    uploadName: 'file',
    multiUpload: false,
    embedAsBase64: false,
    // Images come from the library (checked and resized there), not from any address typed in.
    showUrlInput: false,
    uploadFile: (ev: DragEvent) => {
      const input = ev.target as HTMLInputElement | null;
      const files = ev.dataTransfer?.files ?? input?.files ?? null;
      const file = files?.[0];
      if (!file) return undefined;
      return upload(file)
        .catch(() => {
          endpoints.status.textContent = `${file.name} was not uploaded: the server could not be reached`;
        })
        .finally(() => {
          if (input) input.value = '';
        });
    },
  };
}

/** Fills the picker with the library's images (called when it opens: uploads from the Media page show up). */
export async function loadMediaLibrary(editor: Editor, listUrl: string): Promise<void> {
  const res = await fetch(listUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) return;
  const { items } = (await res.json()) as { items: MediaItem[] };
  editor.AssetManager.add(items.map(asAsset));
}
