/**
 * `Content-Disposition: attachment` for a download named `fileName` (RFC 6266): `filename*` carries the name in
 * UTF-8 (RFC 8187), `filename` an ASCII stand-in for clients that ignore it. The header stays ASCII whatever the
 * name: a raw `report-☃` in it broke the presigned download.
 */
export function attachmentDisposition(fileName: string): string {
  // Printable ASCII but the quoted-string's own specials, and `%` (some clients decode it).
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  // RFC 8187 attr-chars are encodeURIComponent's unreserved set without ' ( ) *.
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
