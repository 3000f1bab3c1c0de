// The Content-Security-Policy of the app's page, one string for every place
// that sets it (the renderer's meta tag at build, the web shell's header,
// Electron's protocol handler). Scripts only from the app itself, no eval,
// no inline script or style, nothing fetched from anywhere but the app's own
// origin (the web shell's WebSocket is same-origin).

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The same policy for a <meta> tag, where frame-ancestors is not allowed. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
