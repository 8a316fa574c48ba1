/** Saves a file the browser made, through its download manager. */
function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link); // a detached link is not followed by every browser
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadSvg(svg: string, fileName: string): void {
  save(new Blob([svg], { type: 'image/svg+xml' }), fileName);
}

/**
 * The SVG painted on a canvas at twice its size (sharp on high-density screens and in slides), as PNG. The
 * image is read from a data: URL, which the app's Content-Security-Policy allows for images (blob: it does not).
 */
export async function downloadPng(
  svg: string,
  width: number,
  height: number,
  fileName: string,
): Promise<void> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (png) save(png, fileName);
}
